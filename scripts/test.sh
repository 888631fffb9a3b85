#!/usr/bin/env bash
# The whole test suite: static checks, unit tests, then integration, end-to-end, browser and fault
# tests against a real Kafka broker (started here when none is given) and the machine's MySQL/MariaDB
# (fault tests also start a private broker and a private MariaDB of their own). The browser tests
# drive the console in Debian's Chromium (installed here when missing).
#   KAFKA_BROKERS             use this broker instead of starting the test instance
#   TEST_DATABASE_SERVER_URL  MySQL server for test databases (mysql://root@127.0.0.1:3306)
#   PB_KEEP_TEST_BROKER=1     leave the test broker running afterwards (faster re-runs)
set -euo pipefail
SCRIPT_NAME=test
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

require_tools
ensure_dependencies

say "typecheck, lint, and the console's client against the API's OpenAPI document"
npm run -s typecheck
npm run -s lint
npm run -s openapi:check

say "deploy files: promtool, docker-compose config, Kubernetes schemas, PrometheusRule, dashboard and alert metrics"
scripts/check-deploy.sh
scripts/check-deploy.sh --self-test

say "unit tests"
npx jest --selectProjects unit

export TEST_DATABASE_SERVER_URL=${TEST_DATABASE_SERVER_URL:-mysql://root@127.0.0.1:3306}
ensure_mysql "$TEST_DATABASE_SERVER_URL/"

started_broker=""
if [ -z "${KAFKA_BROKERS:-}" ]; then
  export KAFKA_INSTANCE=test KAFKA_PORT=${TEST_KAFKA_PORT:-19092} KAFKA_CONTROLLER_PORT=${TEST_KAFKA_CONTROLLER_PORT:-19093}
  if ! scripts/kafka/kafka.sh status >/dev/null 2>&1; then
    scripts/kafka/kafka.sh reset >/dev/null 2>&1 || true
    scripts/kafka/kafka.sh start
    started_broker=yes
  fi
  export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
fi
cleanup() {
  if [ -n "$started_broker" ] && [ -z "${PB_KEEP_TEST_BROKER:-}" ]; then scripts/kafka/kafka.sh stop || true; fi
}
trap cleanup EXIT

say "integration tests (Kafka at $KAFKA_BROKERS, MySQL at $TEST_DATABASE_SERVER_URL)"
npx jest --selectProjects integration --runInBand

say "end-to-end tests"
npx jest --selectProjects e2e --runInBand

say "building the services and the console"
npm run -s build

say "browser tests (the console in Chromium against the real platform; screenshots in test-results/console)"
ensure_chromium
npx jest --selectProjects browser --runInBand

say "fault tests (built services as processes; kill -9, broker restart, MySQL outage)"
npx jest --selectProjects faults --runInBand

say "all tests passed"
