# Shared settings and helpers for scripts/infra/up and scripts/infra/down (sourced, not run).
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
INFRA_DIR=${SCALE_MODELS_INFRA_DIR:-$REPO_ROOT/.infra}
LOG_DIR=$INFRA_DIR/logs
RUN_DIR=$INFRA_DIR/run
CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/scale-models

KAFKA_VERSION=4.1.1
PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
MQTT_PORT=${MQTT_PORT:-1883}
PG_USER=scale
PG_PASSWORD=scale

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Polls $2 (a command) until it succeeds, for at most $3 seconds; $1 names what we wait for.
wait_for() {
  local what=$1 check=$2 seconds=$3 waited=0
  until eval "$check"; do
    ((waited++ < seconds * 2)) || die "$what did not become ready in ${seconds}s; see $LOG_DIR"
    sleep 0.5
  done
}

pid_file() { echo "$RUN_DIR/$1.pid"; }

# True when we started $1 earlier and it is still running.
running_here() {
  local file
  file=$(pid_file "$1")
  [[ -f $file ]] && kill -0 "$(cat "$file")" 2>/dev/null
}

# Runs a command as the unprivileged owner of the data folders when we are root, because
# PostgreSQL refuses to run as root.
as_service_user() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The URLs tests and the tour read, for `source .infra/env`.
write_env() {
  cat >"$INFRA_DIR/env" <<ENV
export PG_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_USER
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export MQTT_URL=mqtt://127.0.0.1:$MQTT_PORT
ENV
}
