#!/bin/sh
# The example handler: appends one line per event to var/log/example.log of
# the evh root this script lives in, so a newcomer sees an emitted event
# do something. A real handler would call a CRM, a DNS API, a backup tool...
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/var/log"
printf '%s %s %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$EVH_EVENT" "$EVH_EVENT_ID" "$*" >> "$root/var/log/example.log"
