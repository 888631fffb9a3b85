#!/usr/bin/env bash
# Starts over: stops what scripts/up.sh started (as scripts/down.sh), drops the platform's database
# and deletes the local Kafka broker's data (topics, offsets, its cluster id). Every customer,
# trigger, template and delivery is lost; the dependencies, the build, the broker's jars and the
# keys in .local/platform.env stay. Then scripts/up.sh starts an empty platform.
#
# The way out when the config service refuses to start because SECRETS_KEY does not open the
# secrets stored in its database (and the key that wrote them is lost).
#
#   scripts/reset.sh [--yes]     --yes: no confirmation prompt
#   DATABASE_URL                 mysql://root@127.0.0.1:3306/postback (as scripts/up.sh)
set -euo pipefail
SCRIPT_NAME=reset
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

yes=""
for arg in "$@"; do
  case "$arg" in
    --yes | -y) yes=1 ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (usage: scripts/reset.sh [--yes])" ;;
  esac
done

DATABASE_URL=${DATABASE_URL:-mysql://root@127.0.0.1:3306/postback}
database=${DATABASE_URL##*/}
database=${database%%\?*}
[[ "$database" =~ ^[A-Za-z0-9_]{1,64}$ ]] || die "DATABASE_URL must end with a database name of 1-64 letters, digits or _ (got \"$database\")"
server_url=${DATABASE_URL%/*}
server_shown=${server_url#*@}

if [ -z "$yes" ]; then
  [ -t 0 ] || die "not a terminal: run with --yes to confirm"
  printf 'This deletes the database "%s" on %s and the local Kafka broker'"'"'s data (instance %s):\nevery customer, trigger, template and delivery. Type "reset" to go on: ' \
    "$database" "$server_shown" "${KAFKA_INSTANCE:-default}"
  read -r answer
  [ "$answer" = "reset" ] || die "nothing deleted"
fi

scripts/down.sh

say "dropping the database \"$database\""
ensure_mysql "$server_url/"
node -e '
  const mysql = require("mysql2/promise");
  mysql.createConnection({ uri: process.argv[1], connectTimeout: 5000 })
    .then(async (c) => { await c.query("DROP DATABASE IF EXISTS `" + process.argv[2] + "`"); await c.end(); })
    .catch((e) => { console.error(e.message); process.exit(1); });
' "$server_url/" "$database" || die "could not drop the database \"$database\""

say "deleting the local Kafka broker's data"
scripts/kafka/kafka.sh reset

say "done: scripts/up.sh starts an empty platform"
