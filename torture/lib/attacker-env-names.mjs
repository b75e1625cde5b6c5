/**
 * Environment names a producer may try as params (finding 2): the issue's
 * list, `man 7 environ`, and the variables that make the interpreters on a
 * usual server run code or load files (python3, perl, bash, sh, node, git,
 * curl, openssl, ld.so, glibc). SPEC §4 passes only OLD_* and NEW_* params
 * as environment variables; none of these may reach a handler's
 * environment. Names that are not valid param names (lower case, leading _)
 * cannot be sent at all and are left out here.
 */
export const ENV_NAMES = [
  // the list
  "LD_PRELOAD",
  "LD_LIBRARY_PATH",
  "LD_AUDIT",
  "PYTHONWARNINGS",
  "BROWSER",
  "OPENSSL_CONF",
  "GIT_SSH_COMMAND",
  "GIT_CONFIG_COUNT",
  "GIT_CONFIG_KEY_0",
  "GIT_CONFIG_VALUE_0",
  "GIT_CONFIG_GLOBAL",
  "GIT_CONFIG_SYSTEM",
  "GIT_CONFIG_PARAMETERS",
  "PERLLIB",
  "PERL5LIB",
  "PERL5OPT",
  "PYTHONHOME",
  "PYTHONPATH",
  "PYTHONSTARTUP",
  "PHPRC",
  "PHP_INI_SCAN_DIR",
  "JAVA_TOOL_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "CURL_HOME",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "ALL_PROXY",
  "FTP_PROXY",
  "NO_PROXY",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "HOSTALIASES",
  // man 7 environ, and the C library
  "PATH",
  "HOME",
  "SHELL",
  "USER",
  "LOGNAME",
  "TERM",
  "TERMINFO",
  "TERMCAP",
  "TMPDIR",
  "TZ",
  "TZDIR",
  "LANG",
  "LANGUAGE",
  "LC_ALL",
  "LC_CTYPE",
  "LC_MESSAGES",
  "LOCPATH",
  "NLSPATH",
  "GCONV_PATH",
  "MALLOC_CHECK_",
  "MALLOC_PERTURB_",
  "GLIBC_TUNABLES",
  "LD_BIND_NOW",
  "LD_DEBUG",
  "LD_DEBUG_OUTPUT",
  "LD_PROFILE",
  "LD_SHOW_AUXV",
  "RES_OPTIONS",
  "LOCALDOMAIN",
  "EDITOR",
  "VISUAL",
  "PAGER",
  "BROWSER",
  "POSIXLY_CORRECT",
  "COLUMNS",
  "LINES",
  "DISPLAY",
  "MAIL",
  "MAILCHECK",
  "PWD",
  "OLDPWD",
  // shells
  "BASH_ENV",
  "ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "PS4",
  "IFS",
  "CDPATH",
  "PROMPT_COMMAND",
  "BASH_XTRACEFD",
  "HISTFILE",
  "INPUTRC",
  // python3
  "PYTHONINSPECT",
  "PYTHONBREAKPOINT",
  "PYTHONUSERBASE",
  "PYTHONPYCACHEPREFIX",
  "PYTHONEXECUTABLE",
  "PYTHONSAFEPATH",
  "PYTHONPLATLIBDIR",
  "PYTHONIOENCODING",
  // perl
  "PERL5DB",
  "PERLIO",
  "PERL_UNICODE",
  "PERL5SHELL",
  "PERL_HASH_SEED",
  // node
  "NODE_OPTIONS",
  "NODE_PATH",
  "NODE_EXTRA_CA_CERTS",
  "NODE_REPL_EXTERNAL_MODULE",
  "NODE_TLS_REJECT_UNAUTHORIZED",
  "UV_THREADPOOL_SIZE",
  // git
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_EXEC_PATH",
  "GIT_TEMPLATE_DIR",
  "GIT_ASKPASS",
  "SSH_ASKPASS",
  "GIT_PAGER",
  "GIT_EDITOR",
  "GIT_EXTERNAL_DIFF",
  "GIT_PROXY_COMMAND",
  "GIT_SSH",
  "GIT_TRACE",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_CONFIG_NOSYSTEM",
  // curl, openssl, wget, ssh
  "CURL_CA_BUNDLE",
  "SSLKEYLOGFILE",
  "OPENSSL_ENGINES",
  "OPENSSL_MODULES",
  "WGETRC",
  "SSH_AUTH_SOCK",
  "KRB5_CONFIG",
  "KRB5CCNAME",
  // other interpreters and tools a handler may call
  "RUBYOPT",
  "RUBYLIB",
  "LUA_INIT",
  "LUA_PATH",
  "TCLLIBPATH",
  "LESSOPEN",
  "LESSCLOSE",
  "MANPAGER",
  "SYSTEMD_PAGER",
  "SYSTEMD_EDITOR",
  "SUDO_ASKPASS",
  "MYSQL_HOME",
  "PGPASSFILE",
  "PGSERVICEFILE",
  "DOCKER_HOST",
  "KUBECONFIG",
  "AWS_CONFIG_FILE",
].filter((name, i, all) => all.indexOf(name) === i && /^[A-Z][A-Z0-9_]*$/.test(name));

/** What every payload value holds, so that any of them is found in a handler's environment. */
export const ENV_TOKEN = ["atk", "ENV"].join("");

/**
 * Param values: for the names with a known way to run code, a payload that
 * really does (each leaves a marker file holding its uid); for the others a
 * command that would, were the value ever run.
 * @param marker (name) => a shell command leaving that marker
 * @param payloads a folder (named with ENV_TOKEN) holding the payload files
 */
export function envParams(marker, payloads) {
  const sh = (name) => `/bin/sh -c "${marker(name)}" #%s ${ENV_TOKEN}`;
  const params = {};
  for (const name of ENV_NAMES) params[name] = sh(name.toLowerCase());
  Object.assign(params, {
    // python3 -c pass: the warnings filter imports antigravity, which opens $BROWSER
    PYTHONWARNINGS: `all:0:antigravity.x:0:0`,
    BROWSER: sh("python-browser"),
    PYTHONSTARTUP: `${payloads}/startup.py`,
    PYTHONPATH: payloads,
    BASH_ENV: `${payloads}/bash-env.sh`,
    ENV: `${payloads}/bash-env.sh`,
    PERL5OPT: "-Mevhatk",
    PERL5LIB: payloads,
    PERLLIB: payloads,
    NODE_OPTIONS: `--require ${payloads}/evil.cjs`,
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "core.sshCommand",
    GIT_CONFIG_VALUE_0: sh("git-config-env"),
    CURL_HOME: payloads,
    XDG_CONFIG_HOME: payloads,
    OPENSSL_CONF: `${payloads}/openssl.cnf`,
    LD_PRELOAD: `${payloads}/evil.so`,
    GLIBC_TUNABLES: `glibc.malloc.check=3:${ENV_TOKEN}`,
  });
  // PYTHONWARNINGS has no room for the token; it still must not be in the environment.
  return params;
}

/** The payload files `envParams` points at. */
export function envPayloadFiles(marker) {
  return {
    "startup.py": `import os\nos.system(${JSON.stringify(marker("pythonstartup"))})\n`,
    "sitecustomize.py": `import os\nos.system(${JSON.stringify(marker("pythonpath"))})\n`,
    "bash-env.sh": `${marker("bash_env")}\n`,
    "evhatk.pm": `package evhatk;\nsystem(${JSON.stringify(marker("perl5opt"))});\n1;\n`,
    "evil.cjs": `require("child_process").execSync(${JSON.stringify(marker("node_options"))});\n`,
    ".curlrc": `output = "${marker("curl_home").split("> ")[1]}"\n`,
    curlrc: `output = "${marker("xdg_curlrc").split("> ")[1]}"\n`,
    "openssl.cnf":
      "openssl_conf = evil\n[evil]\n# a config from a param would be loaded by openssl as root\n",
  };
}
