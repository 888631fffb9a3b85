#!/usr/bin/env bash
# Checks the deploy files (part of `npm test`):
#   - promtool check rules deploy/prometheus/alerts.yml, promtool check config prometheus.yml
#   - docker-compose -f docker-compose.yml config -q
#   - tools/deploy/check.ts: the Kubernetes manifests (kustomize render of base, overlays and
#     monitoring) against the Kubernetes/Strimzi/Prometheus Operator schemas, the PrometheusRule
#     against alerts.yml, and every metric that alerts.yml and the Grafana dashboards query
# promtool comes from Debian's prometheus package (2.42): only the promtool binary is unpacked into
# .local/ (installing the package would start a Prometheus server on :9090). docker-compose (1.29)
# is installed with apt when missing.
#   scripts/check-deploy.sh               check the repository's files
#   scripts/check-deploy.sh --root DIR    check a copy (DIR holds deploy/ and docker-compose.yml)
#   scripts/check-deploy.sh --self-test   break copies on purpose: each check must fail, naming the file
set -euo pipefail
SCRIPT_NAME=check-deploy
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

PROMTOOL_DIR="$LOCAL_DIR/promtool"

apt_as_root() {
  command -v apt-get >/dev/null || return 1
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get "$@"
}

ensure_promtool() {
  if command -v promtool >/dev/null; then PROMTOOL=$(command -v promtool); return 0; fi
  PROMTOOL="$PROMTOOL_DIR/usr/bin/promtool"
  [ -x "$PROMTOOL" ] && return 0
  command -v apt-get >/dev/null || die "promtool is needed: install Debian's prometheus package (or put promtool on the PATH)"
  say "unpacking promtool from Debian's prometheus package into .local/promtool"
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && { apt-get download -q prometheus >/dev/null 2>&1 || { apt_as_root update -q >/dev/null && apt-get download -q prometheus >/dev/null 2>&1; }; }) ||
    { rm -rf "$tmp"; die "could not download Debian's prometheus package with apt-get"; }
  mkdir -p "$PROMTOOL_DIR"
  dpkg-deb --fsys-tarfile "$tmp"/prometheus_*.deb | tar -x -C "$PROMTOOL_DIR" ./usr/bin/promtool
  rm -rf "$tmp"
  [ -x "$PROMTOOL" ] || die "promtool is not at $PROMTOOL after unpacking it"
}

ensure_docker_compose() {
  command -v docker-compose >/dev/null && return 0
  command -v apt-get >/dev/null || die "docker-compose is needed: install Debian's docker-compose package"
  say "installing docker-compose (Debian package docker-compose)"
  apt_as_root install -y -q --no-install-recommends docker-compose >/dev/null 2>&1 ||
    { apt_as_root update -q >/dev/null && apt_as_root install -y -q --no-install-recommends docker-compose >/dev/null; } ||
    die "could not install docker-compose with apt-get"
}

# Each check takes the directory holding deploy/ and docker-compose.yml, prints what is wrong, and
# returns 1 when it fails.
check_rules() {
  "$PROMTOOL" check rules "$1/deploy/prometheus/alerts.yml" >/dev/null 2>"$WORK/err" ||
    { sed 's/^/  /' "$WORK/err" >&2; fail "deploy/prometheus/alerts.yml: promtool check rules"; }
}
check_prometheus_config() {
  # rule_files are relative to prometheus.yml: checked in place, alerts.yml included.
  "$PROMTOOL" check config "$1/deploy/prometheus/prometheus.yml" >/dev/null 2>"$WORK/err" ||
    { sed 's/^/  /' "$WORK/err" >&2; fail "deploy/prometheus/prometheus.yml: promtool check config"; }
}
check_compose() {
  (cd "$1" && docker-compose -f docker-compose.yml config -q) 2>"$WORK/err" ||
    { sed 's/^/  /' "$WORK/err" >&2; fail "docker-compose.yml: docker-compose config"; }
}
check_ts() {
  npx ts-node --transpile-only -r tsconfig-paths/register tools/deploy/check.ts --root "$1" ||
    fail "deploy/k8s, deploy/grafana, alerts.yml: tools/deploy/check.ts (problems above)"
}
fail() {
  printf '\033[1;31m[%s] FAILED: %s\033[0m\n' "$SCRIPT_NAME" "$1" >&2
  return 1
}

run_checks() {
  local status=0
  check_rules "$1" || status=1
  check_prometheus_config "$1" || status=1
  check_compose "$1" || status=1
  check_ts "$1" || status=1
  return $status
}

# A copy of the deploy files to break.
copy_deploy_files() {
  local dir
  dir=$(mktemp -d "$WORK/copy.XXXX")
  cp -r deploy docker-compose.yml "$dir/"
  echo "$dir"
}

# expect_failure NAME CHECK DIR PATTERN...: CHECK on DIR must fail and say each PATTERN.
expect_failure() {
  local name=$1 check=$2 dir=$3
  shift 3
  if "$check" "$dir" >"$WORK/out" 2>&1; then
    cat "$WORK/out" >&2
    die "self-test \"$name\": $check passed on a broken copy"
  fi
  local pattern
  for pattern in "$@"; do
    grep -qE -- "$pattern" "$WORK/out" || { cat "$WORK/out" >&2; die "self-test \"$name\": the output does not say /$pattern/"; }
  done
  say "self-test: $name: reported"
}

# The checks that need promtool and docker-compose (tools/deploy/check.spec.ts breaks the
# manifests, the PrometheusRule and the dashboards for tools/deploy/check.ts).
self_test() {
  local dir
  # An invalid rule expression (an unclosed parenthesis).
  dir=$(copy_deploy_files)
  sed -i 's/expr: changes(postback_process_start_time_seconds\[15m\]) > 2/expr: changes(postback_process_start_time_seconds[15m] > 2/' "$dir/deploy/prometheus/alerts.yml"
  expect_failure "invalid rule expression" check_rules "$dir" 'FAILED: deploy/prometheus/alerts.yml: promtool check rules' 'parse error'
  # ... which the config check catches too, through rule_files.
  expect_failure "invalid rule expression, through prometheus.yml" check_prometheus_config "$dir" 'FAILED: deploy/prometheus/prometheus.yml: promtool check config' 'alerts.yml'
  # A config error of prometheus.yml itself.
  dir=$(copy_deploy_files)
  sed -i 's/scrape_interval: 15s/scrape_interval: 15parsecs/' "$dir/deploy/prometheus/prometheus.yml"
  expect_failure "invalid Prometheus config" check_prometheus_config "$dir" 'FAILED: deploy/prometheus/prometheus.yml: promtool check config' '15parsecs'
  # A service that depends on one that does not exist.
  dir=$(copy_deploy_files)
  sed -i '0,/condition: service_healthy/s//condition: service_healthy\n      no-such-service:\n        condition: service_started/' "$dir/docker-compose.yml"
  expect_failure "docker-compose dependency on a missing service" check_compose "$dir" 'FAILED: docker-compose.yml: docker-compose config' 'no-such-service'
  # An unknown option of a service.
  dir=$(copy_deploy_files)
  sed -i '0,/    restart: unless-stopped/s//    restart: unless-stopped\n    restart_policy_typo: always/' "$dir/docker-compose.yml"
  expect_failure "docker-compose unknown option" check_compose "$dir" 'FAILED: docker-compose.yml: docker-compose config' 'restart_policy_typo'
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

ensure_promtool
ensure_docker_compose

case "${1:-}" in
  --self-test)
    self_test
    say "self-test passed: every check reports a broken file"
    ;;
  --root)
    [ -n "${2:-}" ] || die "usage: scripts/check-deploy.sh --root DIR"
    run_checks "$(cd "$2" && pwd -P)" || exit 1
    ;;
  "")
    run_checks "$REPO_ROOT" || exit 1
    say "deploy files: ok (promtool $("$PROMTOOL" --version 2>&1 | awk 'NR==1{print $3}'), $(docker-compose version --short))"
    ;;
  *) die "usage: scripts/check-deploy.sh [--root DIR | --self-test]" ;;
esac
