#!/usr/bin/env bash
# docker-up.sh: make sure a Docker engine answers on this machine (tests, demo, CI).
#  * as root on Debian, installs what is missing: docker.io, docker-compose (v1) with
#    python3-paramiko (its ssh:// support), busybox-static (test images), docker-registry;
#  * starts dockerd in the background when no engine answers `docker info`;
#  * reuses an engine that answers and never stops one. Idempotent, and safe to
#    run twice at once (flock).
# Environment: DOCKERD_LOG (default /var/log/dockerd.log), DOCKER_UP_TIMEOUT (60),
# DOCKER_UP_SKIP_APT=1 never calls apt-get.
set -euo pipefail

LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
TIMEOUT=${DOCKER_UP_TIMEOUT:-60}
HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
say() { echo "docker-up: $*" >&2; }

[[ $HOST == unix://* ]] || { say "only a unix:// DOCKER_HOST can be started here (got $HOST)"; exit 2; }

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    say "not root: install docker.io docker-compose busybox-static docker-registry and start dockerd yourself"; exit 2
  fi
fi

exec 9>/tmp/oresi-docker-up.lock
command -v flock >/dev/null 2>&1 && { flock -w $((TIMEOUT + 300)) 9 || { say "lock timeout"; exit 1; }; }

engine_ok() { DOCKER_HOST=$HOST timeout 10 docker info >/dev/null 2>&1; }

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
# Compose v1 (python) reaches ssh:// engines only with paramiko importable, even through the ssh client.
# (Its own interpreter, from its #! line: another python3 may come first on PATH.)
if ! docker compose version >/dev/null 2>&1; then
  py=/usr/bin/python3
  if command -v docker-compose >/dev/null 2>&1; then
    read -r shebang <"$(command -v docker-compose)" || true
    [[ $shebang =~ ^#![[:space:]]*(/[^[:space:]]*python[0-9.]*) ]] && py=${BASH_REMATCH[1]}
  fi
  [[ -x $py ]] && "$py" -c 'import paramiko' >/dev/null 2>&1 || missing+=(python3-paramiko)
fi
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' || missing+=(busybox-static)
if ((${#missing[@]})); then
  if [[ ${DOCKER_UP_SKIP_APT:-0} == 1 ]] || ! command -v apt-get >/dev/null 2>&1; then
    say "missing: ${missing[*]}; install them (Debian: apt-get install -y ${missing[*]})"; exit 1
  fi
  mapfile -t pkgs < <(printf '%s\n' "${missing[@]}" | sort -u)
  say "apt-get install ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi

if engine_ok; then say "engine answers on $HOST"; exit 0; fi

PIDFILE=/var/run/docker.pid
dockerd_alive() {
  local p=${1:-}
  [[ -n $p && -r /proc/$p/status ]] && grep -q '^dockerd' "/proc/$p/comm" 2>/dev/null &&
    ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null
}
start_dockerd() {
  $SUDO rm -f "$PIDFILE"
  $SUDO mkdir -p "$(dirname "$LOG")"
  say "starting dockerd (log: $LOG)"
  # setsid: outlive this script; 9>&-: the daemon must not inherit the lock.
  # /24 networks from 10.200.0.0/16: room for 256 Compose projects at once (Docker's default pools
  # give about 30, which parallel test suites exhaust).
  $SUDO setsid -f dockerd -H "$HOST" --default-address-pool base=10.200.0.0/16,size=24 >>"$LOG" 2>&1 </dev/null 9>&-
}

starts=0
waitpid=$(cat "$PIDFILE" 2>/dev/null || true)
if dockerd_alive "$waitpid"; then say "dockerd $waitpid runs but does not answer yet; waiting"; else start_dockerd; starts=1; waitpid=""; fi
start=$SECONDS
until engine_ok; do
  if ((SECONDS - start >= TIMEOUT)); then say "no answer within ${TIMEOUT}s; last lines of $LOG:"; tail -n 20 "$LOG" >&2 || true; exit 1; fi
  [[ -z $waitpid ]] && waitpid=$(cat "$PIDFILE" 2>/dev/null || true)
  if [[ -n $waitpid ]] && ! dockerd_alive "$waitpid"; then
    ((starts >= 3)) && { say "dockerd keeps exiting; see $LOG"; tail -n 5 "$LOG" >&2; exit 1; }
    say "dockerd exited; starting again"; sleep 1; start_dockerd; starts=$((starts + 1)); waitpid=""
  fi
  sleep 0.5
done
say "engine up after $((SECONDS - start))s"
