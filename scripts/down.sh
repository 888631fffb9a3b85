#!/usr/bin/env bash
# Stops what scripts/up.sh started: the demo receiver, the three services and the Kafka broker.
# Data stays (Kafka's log dirs under .local/kafka, the MySQL database).
set -euo pipefail
SCRIPT_NAME=down
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
for name in demo-receiver mail-catcher delivery-service router-service config-service; do
  pid_file="$LOCAL_DIR/run/$name.pid"
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    say "stopping $name"
    kill -- "-$(cat "$pid_file")" 2>/dev/null || kill "$(cat "$pid_file")" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$(cat "$pid_file")" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$pid_file"
done
scripts/kafka/kafka.sh stop
say "stopped"
