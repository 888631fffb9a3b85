# Shared helpers for the project's scripts (sourced, not run).
# shellcheck shell=bash

REPO_ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
LOCAL_DIR="$REPO_ROOT/.local"

say() { printf '\033[1m[%s]\033[0m %s\n' "${SCRIPT_NAME:-postback}" "$*"; }
die() { printf '\033[1;31m[%s] %s\033[0m\n' "${SCRIPT_NAME:-postback}" "$*" >&2; exit 1; }

require_tools() {
  command -v node >/dev/null || die "Node.js 20+ is required (node not found)"
  command -v npm >/dev/null || die "npm is required"
  command -v java >/dev/null || die "Java 17 is required to run the local Kafka broker (java not found)"
  command -v mvn >/dev/null || die "Maven is required to fetch the Kafka broker's jars (mvn not found)"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js 20+ is required, found $(node -v)"
}

# Installs dependencies when node_modules is missing or older than the lockfile (or the patches of
# patch-package, which `npm ci` applies in its postinstall step).
ensure_dependencies() {
  local marker="$REPO_ROOT/node_modules/.package-lock.json"
  if [ ! -f "$marker" ] || [ "$REPO_ROOT/package-lock.json" -nt "$marker" ] || [ -n "$(find "$REPO_ROOT/patches" -newer "$marker" -type f -print -quit 2>/dev/null)" ]; then
    say "installing dependencies (npm ci)"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Exits unless MySQL/MariaDB answers at the server URL (mysql://user[:pass]@host:port).
ensure_mysql() {
  local url=$1
  (cd "$REPO_ROOT" && node -e '
    const mysql = require("mysql2/promise");
    mysql.createConnection({ uri: process.argv[1], connectTimeout: 5000 })
      .then(async (c) => { await c.query("SELECT 1"); await c.end(); })
      .catch((e) => { console.error(e.message); process.exit(1); });
  ' "$url") || die "MySQL/MariaDB is not reachable at $url (start it, or set the URL)"
}

# Prints what a service logged as fatal (its last "fatal" line: why it did not start), reading its
# log from byte $2 on (where this start began), or nothing.
fatal_message() {
  local log=$1 from=${2:-0}
  [ -f "$log" ] || return 0
  tail -c "+$((from + 1))" "$log" | node -e '
    let last = "";
    require("readline").createInterface({ input: process.stdin }).on("line", (line) => {
      try {
        const l = JSON.parse(line);
        if (l.level === "fatal" || l.level === 60) last = (l.err && l.err.message) || l.msg;
      } catch {}
    }).on("close", () => { if (last) console.log(last); });
  '
}

# Waits until an HTTP endpoint answers 200, or fails after $2 seconds.
wait_http() {
  local url=$1 timeout=${2:-60} i=0
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -le $((timeout * 2)) ] || return 1
    sleep 0.5
  done
}

# Debian's Chromium for the console's browser tests (never a downloaded browser): installed with apt
# when missing. CHROMIUM_PATH points elsewhere when a Chromium is already there.
ensure_chromium() {
  local path=${CHROMIUM_PATH:-/usr/bin/chromium}
  [ -x "$path" ] && return 0
  command -v apt-get >/dev/null || die "Chromium is needed for the browser tests: install Debian's chromium package, or set CHROMIUM_PATH"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing Chromium (Debian package chromium) for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 ||
    { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q --no-install-recommends chromium >/dev/null; } ||
    die "could not install Chromium with apt-get"
  [ -x "$path" ] || die "Chromium is not at $path after installing it"
}
