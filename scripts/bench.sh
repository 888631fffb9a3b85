#!/usr/bin/env bash
# `npm run bench`: builds, makes sure Kafka and MySQL are there, runs bench/run.ts and prints JSON.
# Uses the broker at KAFKA_BROKERS, or starts the local default one.
set -euo pipefail
SCRIPT_NAME=bench
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
require_tools
ensure_dependencies
say "building"
npm run -s build
npx tsc bench/baseline-consumer.ts --outDir dist/bench --module commonjs --target es2022 --esModuleInterop --skipLibCheck --types node
ensure_mysql "${BENCH_DATABASE_SERVER_URL:-mysql://root@127.0.0.1:3306}/"
if [ -z "${KAFKA_BROKERS:-}" ]; then
  scripts/kafka/kafka.sh start
  export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-9092}"
fi
say "running (this takes a minute or two)"
npx ts-node --transpile-only -r tsconfig-paths/register bench/run.ts
