#!/usr/bin/env bash
# Brings up the whole platform on this machine, no Docker: dependencies, build, a real Kafka
# broker (KRaft, from Maven Central), the MySQL/MariaDB database (created and migrated), the
# three services, a demo receiver and demo data. Prints where to go. Safe to run again.
#
#   DATABASE_URL       mysql://root@127.0.0.1:3306/postback
#   PB_CONFIG_PORT / PB_ROUTER_PORT / PB_DELIVERY_PORT / PB_RECEIVER_PORT   3000 / 3001 / 3002 / 4000
set -euo pipefail
SCRIPT_NAME=up
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

CONFIG_PORT=${PB_CONFIG_PORT:-3000}
ROUTER_PORT=${PB_ROUTER_PORT:-3001}
DELIVERY_PORT=${PB_DELIVERY_PORT:-3002}
RECEIVER_PORT=${PB_RECEIVER_PORT:-4000}
SMTP_CATCHER_PORT=${PB_SMTP_PORT:-1025}
MAIL_WEB_PORT=${PB_MAIL_WEB_PORT:-1080}
DATABASE_URL=${DATABASE_URL:-mysql://root@127.0.0.1:3306/postback}
RUN_DIR="$LOCAL_DIR/run"
LOG_DIR="$LOCAL_DIR/logs"
mkdir -p "$RUN_DIR" "$LOG_DIR"

require_tools
ensure_dependencies

# Build when any source is newer than the last build.
stamp="$REPO_ROOT/dist/.build-stamp"
if [ ! -f "$stamp" ] || [ -n "$(find apps libs package-lock.json tsconfig.json -newer "$stamp" -type f -print -quit)" ]; then
  say "building the services"
  npm run -s build
  touch "$stamp"
  rebuilt=yes
fi

say "starting Kafka"
scripts/kafka/kafka.sh start

say "checking MySQL/MariaDB"
server_url=${DATABASE_URL%/*}
ensure_mysql "$server_url/"

# Secrets of this local installation, generated once.
ENV_FILE="$LOCAL_DIR/platform.env"
if [ ! -f "$ENV_FILE" ]; then
  umask 077
  {
    echo "SECRETS_KEY=$(node -p 'require("crypto").randomBytes(32).toString("base64")')"
    echo "ADMIN_API_KEY=pb_admin_$(node -p 'require("crypto").randomBytes(24).toString("base64url")')"
  } >"$ENV_FILE"
fi
set -a
# shellcheck disable=SC1090
source "$ENV_FILE"
DATABASE_URL=$DATABASE_URL
KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT:-9092}
SSRF_ALLOWLIST=127.0.0.1/32
HOST=127.0.0.1
SMTP_HOST=127.0.0.1
SMTP_PORT=$SMTP_CATCHER_PORT
SMTP_SECURE=false
SMTP_FROM="Postbacks (local) <postbacks@localhost>"
set +a

declare -A log_offset=()

is_running() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

stop_process() {
  if is_running "$1"; then
    # Started with setsid: the pid is its process group; npx-started tools have children.
    kill -- "-$(cat "$RUN_DIR/$1.pid")" 2>/dev/null || kill "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null || true
    for _ in $(seq 1 40); do is_running "$1" || break; sleep 0.25; done
  fi
  rm -f "$RUN_DIR/$1.pid"
}

start_process() {
  local name=$1 port=$2
  shift 2
  if is_running "$name"; then
    if [ -z "${rebuilt:-}" ]; then say "$name is already running (pid $(cat "$RUN_DIR/$name.pid"))"; return; fi
    say "restarting $name with the new build"
    stop_process "$name"
  fi
  # Where this start's lines begin in its log (none yet on a first start).
  log_offset[$name]=0
  if [ -f "$LOG_DIR/$name.log" ]; then log_offset[$name]=$(wc -c <"$LOG_DIR/$name.log"); fi
  PORT=$port setsid nohup "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

say "preparing the database"
node dist/apps/config-service/apps/config-service/src/main.js migrate >>"$LOG_DIR/config-service.log" 2>&1 || die "database migration failed; see $LOG_DIR/config-service.log"

say "starting the demo receiver"
# It reads the demo trigger's signing secret from this file on every request (written by the seed below).
DEMO_RECEIVER_PORT=$RECEIVER_PORT DEMO_SIGNING_SECRETS_FILE="$LOCAL_DIR/demo-signing-secret" \
  start_process demo-receiver "$RECEIVER_PORT" npx ts-node --transpile-only -r tsconfig-paths/register tools/demo-receiver.ts
wait_http "http://127.0.0.1:$RECEIVER_PORT/postbacks" 60 || die "the demo receiver did not start; see $LOG_DIR/demo-receiver.log"

say "starting the mail catcher (SMTP :$SMTP_CATCHER_PORT, web :$MAIL_WEB_PORT)"
MAIL_CATCHER_SMTP_PORT=$SMTP_CATCHER_PORT MAIL_CATCHER_HTTP_PORT=$MAIL_WEB_PORT \
  start_process mail-catcher "$MAIL_WEB_PORT" npx ts-node --transpile-only -r tsconfig-paths/register tools/mail-catcher.ts
wait_http "http://127.0.0.1:$MAIL_WEB_PORT/messages" 60 || die "the mail catcher did not start; see $LOG_DIR/mail-catcher.log"

say "starting the services"
start_process config-service "$CONFIG_PORT" node dist/apps/config-service/apps/config-service/src/main.js
start_process router-service "$ROUTER_PORT" node dist/apps/router-service/apps/router-service/src/main.js
start_process delivery-service "$DELIVERY_PORT" node dist/apps/delivery-service/apps/delivery-service/src/main.js
# Waits for a service to be ready; when it stopped instead, shows why (its fatal log line: for the
# config service e.g. a SECRETS_KEY that does not open the stored secrets, and the ways out).
wait_service() {
  local name=$1 port=$2 i=0
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; do
    if ! is_running "$name"; then
      local why
      why=$(fatal_message "$LOG_DIR/$name.log" "${log_offset[$name]:-0}")
      die "$name stopped: ${why:-see $LOG_DIR/$name.log}"
    fi
    i=$((i + 1))
    [ "$i" -le 180 ] || die "$name did not become ready; see $LOG_DIR/$name.log"
    sleep 0.5
  done
}
for svc in "config-service:$CONFIG_PORT" "router-service:$ROUTER_PORT" "delivery-service:$DELIVERY_PORT"; do
  wait_service "${svc%%:*}" "${svc#*:}"
done

say "creating the demo customer, template and trigger"
CONFIG_API_URL="http://127.0.0.1:$CONFIG_PORT" DEMO_RECEIVER_URL="http://127.0.0.1:$RECEIVER_PORT" DEMO_SECRET_FILE="$LOCAL_DIR/demo-signing-secret" \
  npx ts-node --transpile-only -r tsconfig-paths/register tools/seed-demo.ts >"$LOCAL_DIR/demo.json"


cat <<INFO

  The postback platform is running.

  Console                  http://127.0.0.1:$CONFIG_PORT/console   (sign in with the API key below)
  Config API + Swagger UI  http://127.0.0.1:$CONFIG_PORT/docs
      API key              $ADMIN_API_KEY   (header X-Api-Key; kept in .local/platform.env)
  Router metrics           http://127.0.0.1:$ROUTER_PORT/metrics
  Delivery metrics         http://127.0.0.1:$DELIVERY_PORT/metrics
  Demo receiver            http://127.0.0.1:$RECEIVER_PORT   (the postbacks it received)
  Mail catcher             http://127.0.0.1:$MAIL_WEB_PORT   (the emails sent; SMTP on 127.0.0.1:$SMTP_CATCHER_PORT)
  Kafka                    127.0.0.1:${KAFKA_PORT:-9092}      Logs: .local/logs/

  Publish a sample order event and watch the signed postback arrive:
      npm run -s publish-event -- order.shipped && sleep 1 && curl -s http://127.0.0.1:$RECEIVER_PORT/postbacks
  An order.delivered event also sends the demo email (see the mail catcher):
      npm run -s publish-event -- order.delivered

  Stop everything:         scripts/down.sh

INFO
