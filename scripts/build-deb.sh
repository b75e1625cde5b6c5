#!/bin/sh
# Builds evh_<version>_all.deb with dpkg-deb (docs/operations.md#from-the-deb).
#   sh scripts/build-deb.sh [--no-build] [OUTDIR]     (npm run deb)
# What the package installs: /usr/lib/evh (the npm package with its production
# node_modules, from package-lock.json), /usr/bin/evh, the systemd unit, the
# logrotate file, the man page and bash completion. postinst creates the FHS
# root with `evh init --system`.
set -eu
cd "$(dirname "$0")/.."
build=yes
if [ "${1:-}" = "--no-build" ]; then build=no; shift; fi
out=$(realpath "${1:-.}")
version=$(node -p 'require("./package.json").version')
deb="$out/evh_${version}_all.deb"

[ "$build" = yes ] && npm run build >/dev/null
node scripts/build-man.mjs
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg="$stage/root"
mkdir -p "$pkg/usr/lib/evh" "$pkg/DEBIAN"

# The same files as the npm tarball, then production dependencies only, as locked.
npm pack --ignore-scripts --silent --pack-destination "$stage" >/dev/null
tar -xzf "$stage/evh-$version.tgz" -C "$pkg/usr/lib/evh" --strip-components=1
cp package-lock.json "$pkg/usr/lib/evh/"
(cd "$pkg/usr/lib/evh" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --silent)
rm "$pkg/usr/lib/evh/package-lock.json"

install -d "$pkg/usr/bin" "$pkg/lib/systemd/system" "$pkg/etc/logrotate.d" \
  "$pkg/usr/share/man/man1" "$pkg/usr/share/bash-completion/completions" "$pkg/usr/share/doc/evh"
ln -s ../lib/evh/bin/evh "$pkg/usr/bin/evh"
install -m 0644 examples/evh.service "$pkg/lib/systemd/system/evh.service"
install -m 0644 examples/logrotate "$pkg/etc/logrotate.d/evh"
gzip -9n -c man/evh.1 > "$pkg/usr/share/man/man1/evh.1.gz"
node bin/evh completion bash > "$pkg/usr/share/bash-completion/completions/evh"
install -m 0644 LICENSE "$pkg/usr/share/doc/evh/copyright"

size=$(du -sk "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: evh
Version: $version
Architecture: all
Maintainer: evh maintainers <maintainers@evh.invalid>
Depends: nodejs (>= 20), procps
Recommends: logrotate
Section: admin
Priority: optional
Installed-Size: $size
Description: run scripts when control-panel events happen
 A crash-safe, standalone re-implementation of Plesk's Event Manager: a panel
 drops one file per event into /var/spool/evh, and the evh agent runs the
 matching handlers of /etc/evh/handlers.d.
CONTROL
# A conffile is a file the package ships under /etc that the administrator may
# edit: dpkg keeps the edits on upgrade (asking when both changed) and removes
# it only on purge. /etc/evh/evh.yaml is not one: postinst generates it.
echo /etc/logrotate.d/evh > "$pkg/DEBIAN/conffiles"
install -m 0755 scripts/deb/postinst scripts/deb/prerm scripts/deb/postrm "$pkg/DEBIAN/"

dpkg-deb --root-owner-group --build "$pkg" "$deb" >/dev/null
echo "$deb"
