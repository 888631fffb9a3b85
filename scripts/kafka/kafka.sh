#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, combined broker+controller) on loopback, without
# Docker: the jars come from Maven Central (scripts/kafka/pom.xml), the broker runs on the machine's
# Java 17. All runtime state lives under <repo>/.local/kafka/ (git-ignored):
#   .local/kafka/<version>/lib/            the version's jars, shared by every instance
#   .local/kafka/instances/<instance>/     server.properties, log config, cluster.id, kafka.pid,
#                                          data/ (log.dirs) and logs/server.log
#
# Usage: scripts/kafka/kafka.sh <command>
#   install   collect the jars for KAFKA_VERSION (skipped when already complete)
#   start     install if needed, format storage if needed, start the broker, wait until ready
#             (no-op when this instance is already running and healthy with the same settings)
#   stop      SIGTERM, wait up to KAFKA_STOP_TIMEOUT s, then SIGKILL (no-op when not running)
#   restart   stop, then start
#   status    exit 0 and print "running pid=... port=..." when up, else exit 1
#   kill9     SIGKILL the broker at once, leaving its pid file behind as a crash would
#   logs      tail the server log (default: last 100 lines; other arguments go to tail, e.g. -f)
#   check     smoke test with Kafka's Java clients: topic, transactional produce, group consume
#   reset     stop and delete the instance (data, logs, cluster id); the jars stay
#   help      this text
#
# Settings (environment variables):
#   KAFKA_VERSION          Kafka version from Maven Central               (3.9.2)
#   KAFKA_INSTANCE         instance name: own state dir, data and pid     (default)
#   KAFKA_PORT             client (PLAINTEXT) port on 127.0.0.1           (9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port on 127.0.0.1             (9093)
#   KAFKA_HEAP             JVM heap options                               (-Xms256m -Xmx512m)
#   KAFKA_OPTS             extra JVM options                              (empty)
#   KAFKA_GC               the JVM's garbage collector options            (G1, 20 ms pause goal)
#   KAFKA_NUM_PARTITIONS   num.partitions for new topics                  (3)
#   KAFKA_LOG_LEVEL        root log level of the broker                   (INFO)
#   KAFKA_EXTRA_PROPERTIES extra server.properties lines, newline-separated (empty)
#   KAFKA_START_TIMEOUT    seconds to wait for "Kafka Server started"     (90)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL   (30)
#   JAVA_HOME              Java to use (else `java` on PATH)
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)
POM="$SCRIPT_DIR/pom.xml"

KAFKA_VERSION=${KAFKA_VERSION:-3.9.2}
KAFKA_INSTANCE=${KAFKA_INSTANCE:-default}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_HEAP=${KAFKA_HEAP:--Xms256m -Xmx512m}
KAFKA_OPTS=${KAFKA_OPTS:-}
KAFKA_GC=${KAFKA_GC:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent}
KAFKA_NUM_PARTITIONS=${KAFKA_NUM_PARTITIONS:-3}
KAFKA_LOG_LEVEL=${KAFKA_LOG_LEVEL:-INFO}
KAFKA_EXTRA_PROPERTIES=${KAFKA_EXTRA_PROPERTIES:-}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}
KAFKA_STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}

HOST=127.0.0.1
STATE_ROOT="$REPO_ROOT/.local/kafka"
VERSION_DIR="$STATE_ROOT/$KAFKA_VERSION"
LIB_DIR="$VERSION_DIR/lib"
LIB_MARKER="$LIB_DIR/.complete"
INSTANCES_DIR="$STATE_ROOT/instances"
INST_DIR="$INSTANCES_DIR/$KAFKA_INSTANCE"
DATA_DIR="$INST_DIR/data"
LOG_DIR="$INST_DIR/logs"
LOG_FILE="$LOG_DIR/server.log"
PID_FILE="$INST_DIR/kafka.pid"
PROPS="$INST_DIR/server.properties"
CLUSTER_ID_FILE="$INST_DIR/cluster.id"
FORMATTED_VERSION_FILE="$INST_DIR/kafka.version"
READY_MARK="Kafka Server started"

log() { printf '[kafka] %s\n' "$*"; }
die() { printf '[kafka] error: %s\n' "$*" >&2; exit 1; }

now() { printf '%s' "${EPOCHREALTIME/[,.]/}"; } # microseconds
elapsed_since() { # <start microseconds> -> seconds with one decimal
  local us=$(($(now) - $1))
  printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000))
}

validate() {
  [[ $KAFKA_VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "KAFKA_VERSION must look like 3.9.2 (got '$KAFKA_VERSION')"
  [[ $KAFKA_INSTANCE =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "KAFKA_INSTANCE may hold only letters, digits, '.', '_', '-' (got '$KAFKA_INSTANCE')"
  local name value
  for name in KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_NUM_PARTITIONS KAFKA_START_TIMEOUT KAFKA_STOP_TIMEOUT; do
    value=${!name}
    if ! [[ $value =~ ^[0-9]+$ ]] || ((10#$value == 0)); then
      die "$name must be a positive integer (got '$value')"
    fi
  done
  ((KAFKA_PORT < 65536 && KAFKA_CONTROLLER_PORT < 65536)) || die "ports must be below 65536"
  ((KAFKA_PORT != KAFKA_CONTROLLER_PORT)) || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"
}

kafka_major() { printf '%s' "${KAFKA_VERSION%%.*}"; }
major_minor() { printf '%s' "${1%.*}"; }

java_bin() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    printf '%s' "$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    command -v java
  else
    die "no java found (install a JDK 17 or set JAVA_HOME)"
  fi
}

# Serialise commands that change an instance (start/stop/kill9/reset). The lock file lives outside
# the instance folder so that reset can delete the folder while holding it. Uses fd 9; every
# process started while holding it must get `9>&-` so that it does not inherit the lock.
lock_instance() {
  mkdir -p "$INSTANCES_DIR"
  exec 9>"$INSTANCES_DIR/.$KAFKA_INSTANCE.lock"
  flock -w 300 9 || die "another kafka.sh command holds the lock of instance '$KAFKA_INSTANCE'"
}

# ---------------------------------------------------------------------------------------- jars

pom_digest() { sha256sum "$POM" | cut -d' ' -f1; }

installed() {
  [[ -f $LIB_MARKER && "$(cat "$LIB_MARKER")" == "$KAFKA_VERSION $(pom_digest)" ]]
}

cmd_install() {
  validate
  if installed; then
    log "jars for Kafka $KAFKA_VERSION already installed ($LIB_DIR)"
    return 0
  fi
  mkdir -p "$VERSION_DIR"
  exec 8>"$VERSION_DIR/.install.lock"
  flock -w 900 8 || die "timed out waiting for another install of Kafka $KAFKA_VERSION"
  if installed; then # installed by the other holder of the lock meanwhile
    exec 8>&-
    log "jars for Kafka $KAFKA_VERSION already installed ($LIB_DIR)"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (apt-get install maven)"
  local t0 tmp
  t0=$(now)
  tmp="$VERSION_DIR/lib.tmp.$$"
  rm -rf "$tmp"
  log "collecting jars for Kafka $KAFKA_VERSION with Maven (first time downloads from Maven Central)..."
  if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
    -DincludeScope=runtime \
    -Dkafka.version="$KAFKA_VERSION" -Dkafka.major="$(kafka_major)" \
    -DoutputDirectory="$tmp" >"$VERSION_DIR/install.log" 2>&1 8>&- 9>&-; then
    tail -n 30 "$VERSION_DIR/install.log" >&2
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed for Kafka $KAFKA_VERSION (is the version on Maven Central?)"
  fi
  [[ -f $tmp/kafka_2.13-$KAFKA_VERSION.jar ]] || {
    rm -rf "$tmp"
    die "kafka_2.13-$KAFKA_VERSION.jar missing after mvn"
  }
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  printf '%s %s\n' "$KAFKA_VERSION" "$(pom_digest)" >"$LIB_MARKER"
  exec 8>&-
  log "installed $(find "$LIB_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$LIB_DIR" | cut -f1)) for Kafka $KAFKA_VERSION in $(elapsed_since "$t0")s"
}

# ------------------------------------------------------------------------------------ processes

is_alive() { # <pid>: exists and is not a zombie
  local st
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $st != Z* ]]
}

cmdline_of() { # <pid> -> prints the arguments, one per line
  local -a args=()
  [[ -r /proc/$1/cmdline ]] || return 1
  mapfile -d '' -t args <"/proc/$1/cmdline" 2>/dev/null || return 1
  ((${#args[@]} > 0)) || return 1
  printf '%s\n' "${args[@]}"
}

# Config file of a Kafka broker process, or failure if <pid> is no Kafka broker.
broker_config_of() {
  local -a args=()
  mapfile -t args < <(cmdline_of "$1" || true)
  local n=${#args[@]}
  ((n >= 2)) && [[ ${args[n - 2]} == kafka.Kafka ]] || return 1
  printf '%s' "${args[n - 1]}"
}

is_our_broker() { # <pid>: a live broker started with this instance's server.properties
  local cfg
  [[ $1 =~ ^[0-9]+$ ]] && is_alive "$1" && cfg=$(broker_config_of "$1") && [[ $cfg == "$PROPS" ]]
}

# Prints the pid of this instance's broker, or nothing. Trusts the pid file when it names our
# broker; otherwise looks through all processes (covers a lost or stale pid file).
find_our_broker() {
  local pid=""
  [[ -f $PID_FILE ]] && pid=$(tr -dc '0-9' <"$PID_FILE")
  if [[ -n $pid ]] && is_our_broker "$pid"; then
    printf '%s' "$pid"
    return 0
  fi
  local p candidates
  if command -v pgrep >/dev/null 2>&1; then
    candidates=$(pgrep -f 'kafka[.]Kafka' || true)
  else
    candidates=$(cd /proc && printf '%s\n' [0-9]*)
  fi
  for p in $candidates; do
    if is_our_broker "$p"; then
      printf '%s' "$p"
      return 0
    fi
  done
  return 0
}

port_listeners() { # <port> -> pids of processes listening on it (any address), one per line
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u || true
}

port_in_use() { # <port>
  if command -v ss >/dev/null 2>&1; then
    [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]
  else
    timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
  fi
}

# Does a Kafka server answer on 127.0.0.1:<port>? Sends an ApiVersions v0 request (api key 18,
# correlation id 1, client id "k": every Kafka version answers it) and checks the response's
# correlation id. A frozen or wedged process that still accepts TCP connections fails this.
port_answers() { # <port>
  local reply
  # shellcheck disable=SC2016 # expanded by the inner bash
  reply=$(timeout 3 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "\x00\x00\x00\x0b\x00\x12\x00\x00\x00\x00\x00\x01\x00\x01k" >&3
    head -c 8 <&3 | od -An -tx1 | tr -d " \n"
  ' "$HOST" "$1" 2>/dev/null) || return 1
  [[ $reply =~ ^[0-9a-f]{8}00000001$ ]]
}

# Port of a running instance, from the server.properties it was started with.
configured_port() {
  sed -n 's/^advertised\.listeners=PLAINTEXT:\/\/[^:]*:\([0-9]*\).*/\1/p' "$PROPS" 2>/dev/null | head -n1
}
configured_controller_port() {
  sed -n 's/^controller\.quorum\.voters=1@[^:]*:\([0-9]*\).*/\1/p' "$PROPS" 2>/dev/null | head -n1
}

healthy() { # <pid>: ours, finished start-up, both ports answer
  local port cport
  port=$(configured_port)
  cport=$(configured_controller_port)
  is_our_broker "$1" && [[ -n $port && -n $cport ]] &&
    grep -qF "$READY_MARK" "$LOG_FILE" 2>/dev/null &&
    port_answers "$port" && port_answers "$cport"
}

wait_gone() { # <pid> <seconds>
  local deadline=$(($(now) + $2 * 1000000))
  while is_alive "$1"; do
    (($(now) < deadline)) || return 1
    sleep 0.2
  done
}

stop_pid() { # <pid>
  local pid=$1 t0
  t0=$(now)
  log "stopping broker pid=$pid (SIGTERM)..."
  kill -TERM "$pid" 2>/dev/null || true
  kill -CONT "$pid" 2>/dev/null || true # in case it was stopped (SIGSTOP): let it handle TERM
  if ! wait_gone "$pid" "$KAFKA_STOP_TIMEOUT"; then
    log "broker pid=$pid still running after ${KAFKA_STOP_TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || die "broker pid=$pid survived SIGKILL"
  fi
  rm -f "$PID_FILE"
  log "stopped in $(elapsed_since "$t0")s"
}

# --------------------------------------------------------------------------------------- config

write_server_properties() { # <file>
  local major
  major=$(kafka_major)
  {
    printf '# Generated by scripts/kafka/kafka.sh at every start: edit the script or its settings.\n'
    printf '# kafka.version=%s instance=%s jvm=%s %s %s\n' "$KAFKA_VERSION" "$KAFKA_INSTANCE" "$KAFKA_HEAP" "$KAFKA_GC" "$KAFKA_OPTS"
    cat <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR

# topics: created explicitly by the applications and tests
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=$KAFKA_NUM_PARTITIONS
default.replication.factor=1
min.insync.replicas=1

# single node: internal topics with one replica, few partitions (quick to create)
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1

# fast consumer groups for tests
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000

# restart after a crash (kill -9): the controller refuses the broker's new registration until the
# old one's session expires (default 9 s); heartbeats are in-process, so short values are safe
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000

# small footprint
log.cleaner.dedupe.buffer.size=16777216
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
    if ((major >= 4)); then
      cat <<EOF

# Kafka 4.x: share groups' internal topic, single node
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
EOF
    fi
    if [[ -n $KAFKA_EXTRA_PROPERTIES ]]; then
      printf '\n# KAFKA_EXTRA_PROPERTIES\n%s\n' "$KAFKA_EXTRA_PROPERTIES"
    fi
  } >"$1"
}

# Broker logging: everything to stdout, which start sends to logs/server.log.
write_log_config() {
  if (($(kafka_major) >= 4)); then
    cat >"$INST_DIR/log4j2.properties" <<EOF
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = $KAFKA_LOG_LEVEL
rootLogger.appenderRef.out.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
EOF
  else
    cat >"$INST_DIR/log4j.properties" <<EOF
log4j.rootLogger=$KAFKA_LOG_LEVEL, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.authorizer.logger=WARN
EOF
  fi
}

# Logging of the one-shot tools (storage format, check): warnings only, to stderr.
write_tool_log_config() {
  if (($(kafka_major) >= 4)); then
    cat >"$INST_DIR/tools-log4j2.properties" <<EOF
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
  else
    cat >"$INST_DIR/tools-log4j.properties" <<EOF
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  fi
}

log_opt() { # <broker|tools>
  local prefix=""
  [[ $1 == tools ]] && prefix="tools-"
  if (($(kafka_major) >= 4)); then
    printf '%s' "-Dlog4j2.configurationFile=$INST_DIR/${prefix}log4j2.properties"
  else
    printf '%s' "-Dlog4j.configuration=file:$INST_DIR/${prefix}log4j.properties"
  fi
}

run_tool() { # <main class> <args...>: a Kafka command-line tool on this version's classpath
  local java
  java=$(java_bin)
  write_tool_log_config
  "$java" -Xmx256m -Djava.awt.headless=true "$(log_opt tools)" -cp "$LIB_DIR/*" "$@" 8>&- 9>&-
}

format_storage() {
  if [[ -f $DATA_DIR/meta.properties ]]; then
    return 0
  fi
  local cid out
  if [[ -s $CLUSTER_ID_FILE ]]; then
    cid=$(tr -d '[:space:]' <"$CLUSTER_ID_FILE")
  else
    cid=$(run_tool kafka.tools.StorageTool random-uuid | tail -n1 | tr -d '[:space:]')
    [[ -n $cid ]] || die "could not generate a cluster id"
    printf '%s\n' "$cid" >"$CLUSTER_ID_FILE"
    log "new cluster id $cid (kept in $CLUSTER_ID_FILE)"
  fi
  mkdir -p "$DATA_DIR"
  if ! out=$(run_tool kafka.tools.StorageTool format -t "$cid" -c "$PROPS" --ignore-formatted 2>&1); then
    printf '%s\n' "$out" >&2
    die "formatting $DATA_DIR failed"
  fi
  printf '%s\n' "$out" >"$LOG_DIR/format.log"
  printf '%s\n' "$KAFKA_VERSION" >"$FORMATTED_VERSION_FILE"
  log "formatted $DATA_DIR ($(grep -m1 -o 'metadata.version [^ .]*[^ ]*' <<<"$out" || echo 'ok'))"
}

check_formatted_version() {
  [[ -f $FORMATTED_VERSION_FILE && -f $DATA_DIR/meta.properties ]] || return 0
  local v
  v=$(tr -d '[:space:]' <"$FORMATTED_VERSION_FILE")
  if [[ $(major_minor "$v") != "$(major_minor "$KAFKA_VERSION")" ]]; then
    die "instance '$KAFKA_INSTANCE' holds data of Kafka $v, not $KAFKA_VERSION: run 'KAFKA_INSTANCE=$KAFKA_INSTANCE KAFKA_VERSION=$KAFKA_VERSION $0 reset' or use another KAFKA_INSTANCE"
  fi
  [[ $v == "$KAFKA_VERSION" ]] || printf '%s\n' "$KAFKA_VERSION" >"$FORMATTED_VERSION_FILE"
}

describe_pid() { # <pid> -> short description of a process
  local cfg cmd
  if cfg=$(broker_config_of "$1"); then
    if [[ $cfg == "$INSTANCES_DIR"/*/server.properties ]]; then
      cfg=${cfg#"$INSTANCES_DIR"/}
      printf "the Kafka broker of instance '%s' (pid %s)" "${cfg%/server.properties}" "$1"
    else
      printf 'a Kafka broker started with %s (pid %s)' "$cfg" "$1"
    fi
  else
    cmd=$(cmdline_of "$1" 2>/dev/null | head -n3 | tr '\n' ' ' || true)
    printf 'pid %s (%s)' "$1" "${cmd:-unknown command}"
  fi
}

check_ports_free() {
  local port holders pid what
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    port_in_use "$port" || continue
    holders=$(port_listeners "$port")
    what=""
    for pid in $holders; do
      what+="${what:+, }$(describe_pid "$pid")"
    done
    die "port $port is already in use by ${what:-another process} - not our broker (instance '$KAFKA_INSTANCE'); choose other ports with KAFKA_PORT / KAFKA_CONTROLLER_PORT or stop that process"
  done
}

# ------------------------------------------------------------------------------------- commands

cmd_start() {
  validate
  local t0 pid new_props
  t0=$(now)
  lock_instance
  check_formatted_version
  installed || cmd_install
  mkdir -p "$DATA_DIR" "$LOG_DIR"

  new_props="$PROPS.new"
  write_server_properties "$new_props"
  pid=$(find_our_broker)
  if [[ -n $pid ]]; then
    if healthy "$pid"; then
      if cmp -s "$new_props" "$PROPS"; then
        rm -f "$new_props"
        printf '%s\n' "$pid" >"$PID_FILE"
        log "already running pid=$pid port=$(configured_port) instance=$KAFKA_INSTANCE version=$KAFKA_VERSION"
        return 0
      fi
      log "broker pid=$pid runs with other settings: restarting it"
    else
      log "broker pid=$pid of instance '$KAFKA_INSTANCE' is not healthy: restarting it"
    fi
    stop_pid "$pid"
  elif [[ -f $PID_FILE ]]; then
    log "removing stale pid file (pid $(tr -dc '0-9' <"$PID_FILE") is gone: crashed or killed)"
    rm -f "$PID_FILE"
  fi
  mv -f "$new_props" "$PROPS"
  check_ports_free

  # No broker of ours runs: lock files left by a killed one are stale (Kafka's lock is an OS file
  # lock, released at exit; the files are removed all the same).
  find "$DATA_DIR" -maxdepth 2 -name .lock -type f -delete 2>/dev/null || true

  write_log_config
  format_storage

  [[ -f $LOG_FILE ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  local java
  local -a jvm heap gc extra
  java=$(java_bin)
  read -r -a heap <<<"$KAFKA_HEAP"
  read -r -a gc <<<"$KAFKA_GC"
  read -r -a extra <<<"$KAFKA_OPTS"
  jvm=("${heap[@]}" -server "${gc[@]}" -XX:+ExitOnOutOfMemoryError
    "-XX:ErrorFile=$LOG_DIR/hs_err_pid%p.log" -Djava.awt.headless=true
    "-Dkafka.logs.dir=$LOG_DIR" "$(log_opt broker)" "${extra[@]}")
  log "starting Kafka $KAFKA_VERSION (instance '$KAFKA_INSTANCE', $HOST:$KAFKA_PORT, controller :$KAFKA_CONTROLLER_PORT)..."
  # setsid: own session, so the broker outlives the calling shell and its terminal; it execs in
  # place here (the subshell is no process-group leader), so $! is the java pid.
  (cd "$INST_DIR" && exec setsid nohup "$java" "${jvm[@]}" -cp "$LIB_DIR/*" kafka.Kafka "$PROPS") \
    </dev/null >>"$LOG_FILE" 2>&1 8>&- 9>&- &
  pid=$!
  local deadline=$(($(now) + 5000000))
  until is_our_broker "$pid"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      printf '%s\n' "--- last 50 lines of $LOG_FILE ---" >&2
      tail -n 50 "$LOG_FILE" >&2 || true
      die "the broker exited at once"
    fi
    if (($(now) > deadline)); then
      pid=$(find_our_broker)
      [[ -n $pid ]] && break
      tail -n 50 "$LOG_FILE" >&2 || true
      die "the broker process did not start"
    fi
    sleep 0.05
  done
  printf '%s\n' "$pid" >"$PID_FILE"

  deadline=$(($(now) + KAFKA_START_TIMEOUT * 1000000))
  while :; do
    if ! is_alive "$pid"; then
      rm -f "$PID_FILE"
      printf '%s\n' "--- last 50 lines of $LOG_FILE ---" >&2
      tail -n 50 "$LOG_FILE" >&2 || true
      die "the broker exited during start-up"
    fi
    if grep -qF "$READY_MARK" "$LOG_FILE" && port_answers "$KAFKA_PORT"; then
      break
    fi
    if (($(now) > deadline)); then
      printf '%s\n' "--- last 50 lines of $LOG_FILE ---" >&2
      tail -n 50 "$LOG_FILE" >&2 || true
      log "not ready after ${KAFKA_START_TIMEOUT}s: stopping it"
      stop_pid "$pid" >&2
      die "the broker did not start within ${KAFKA_START_TIMEOUT}s (KAFKA_START_TIMEOUT)"
    fi
    sleep 0.2
  done
  log "started pid=$pid port=$KAFKA_PORT instance=$KAFKA_INSTANCE version=$KAFKA_VERSION in $(elapsed_since "$t0")s (bootstrap $HOST:$KAFKA_PORT)"
}

cmd_stop() {
  validate
  lock_instance
  local pid
  pid=$(find_our_broker)
  if [[ -z $pid ]]; then
    if [[ -f $PID_FILE ]]; then
      rm -f "$PID_FILE"
      log "not running (removed stale pid file)"
    else
      log "not running"
    fi
    return 0
  fi
  stop_pid "$pid"
}

cmd_status() {
  validate
  local pid
  pid=$(find_our_broker)
  if [[ -z $pid ]]; then
    log "not running (instance '$KAFKA_INSTANCE')"
    return 1
  fi
  local version="?"
  [[ -f $FORMATTED_VERSION_FILE ]] && version=$(tr -d '[:space:]' <"$FORMATTED_VERSION_FILE")
  if healthy "$pid"; then
    log "running pid=$pid port=$(configured_port) controller_port=$(configured_controller_port) instance=$KAFKA_INSTANCE version=$version"
    return 0
  fi
  log "not ready pid=$pid port=$(configured_port) instance=$KAFKA_INSTANCE (starting, or unhealthy: see $LOG_FILE)"
  return 1
}

cmd_kill9() {
  validate
  lock_instance
  local pid
  pid=$(find_our_broker)
  if [[ -z $pid ]]; then
    log "not running"
    return 0
  fi
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 10 || die "broker pid=$pid survived SIGKILL"
  printf '%s\n' "$pid" >"$PID_FILE" # left behind, as after a crash
  log "killed pid=$pid with SIGKILL (pid file left behind, as after a crash)"
}

cmd_logs() {
  validate
  [[ -f $LOG_FILE ]] || die "no log yet: $LOG_FILE"
  if (($# == 0)); then
    tail -n 100 "$LOG_FILE"
  else
    tail "$@" "$LOG_FILE"
  fi
}

cmd_reset() {
  validate
  lock_instance
  local pid
  pid=$(find_our_broker)
  [[ -n $pid ]] && stop_pid "$pid"
  rm -rf "$INST_DIR"
  log "deleted instance '$KAFKA_INSTANCE' ($INST_DIR); jars kept"
}

cmd_check() {
  validate
  installed || die "Kafka $KAFKA_VERSION is not installed (run start first)"
  local port
  port=$(configured_port)
  [[ -n $port ]] || die "instance '$KAFKA_INSTANCE' has no server.properties (run start first)"
  local t0
  t0=$(now)
  run_tool "$SCRIPT_DIR/KafkaCheck.java" "$HOST:$port"
  log "check passed in $(elapsed_since "$t0")s"
}

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

main() {
  local cmd=${1:-help}
  (($# > 0)) && shift
  case $cmd in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart)
    cmd_stop
    exec 9>&-
    cmd_start
    ;;
  status) cmd_status ;;
  kill9) cmd_kill9 ;;
  logs) cmd_logs "$@" ;;
  check) cmd_check ;;
  reset) cmd_reset ;;
  help | -h | --help) usage ;;
  *)
    usage >&2
    die "unknown command '$cmd'"
    ;;
  esac
}

main "$@"
