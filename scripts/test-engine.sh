#!/usr/bin/env bash
# test-engine.sh: extra Docker engines for the tests of several hosts and Swarm, beside the
# main engine (scripts/docker-up.sh), on their own sockets, data roots and exec roots.
#   bash scripts/test-engine.sh up NAME     start engine NAME unless it answers; load the test images
#                                           from the main engine; print its DOCKER_HOST (unix://…)
#   bash scripts/test-engine.sh down NAME   leave Swarm, stop it, remove its folder
#   bash scripts/test-engine.sh host NAME   print its DOCKER_HOST
# NAME: [a-z0-9-]{1,20}. Root only (dockerd). Its default bridge is a bridge of its own (oe-NAME,
# 10.222.X.1/24), never docker0: dockerd --bridge none would delete the main engine's docker0. No
# iptables of its own; user-defined networks (Compose's, Swarm overlays) come from 10.223.0.0/16 in /24s.
# Idempotent, and safe to run twice at once (flock per NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "test-engine: $*" >&2; }
cmd=${1:-}; name=${2:-}
[[ $cmd =~ ^(up|down|host)$ && $name =~ ^[a-z0-9-]{1,20}$ ]] || { say "usage: test-engine.sh up|down|host NAME"; exit 2; }
ROOT=${ORESI_TEST_ENGINES:-/run/oresi-test-engines}/$name
SOCK=$ROOT/docker.sock
HOST=unix://$SOCK
MAIN=${DOCKER_HOST:-unix:///var/run/docker.sock}
IMAGES=(oresi-test/web:1.0.0 oresi-test/web:1.1.0 oresi-test/web:2.0.0-broken oresi-test/api:1.0.0 oresi-test/api:1.1.0)

if [[ $cmd == host ]]; then echo "$HOST"; exit 0; fi
mkdir -p "$ROOT"
exec 9>"$ROOT.lock"
flock -w 300 9 || { say "lock timeout for $name"; exit 1; }
BR=oe-${name:0:12}
ok() { DOCKER_HOST=$HOST timeout 10 docker info >/dev/null 2>&1; }
alive() { local p; p=$(cat "$ROOT/docker.pid" 2>/dev/null || true); [[ -n $p && -d /proc/$p ]] && grep -q '^dockerd' "/proc/$p/comm" 2>/dev/null; }

if [[ $cmd == down ]]; then
  if ok; then
    DOCKER_HOST=$HOST timeout 60 docker swarm leave --force >/dev/null 2>&1 || true
    ids=$(DOCKER_HOST=$HOST docker ps -aq 2>/dev/null || true)
    if [[ -n $ids ]]; then DOCKER_HOST=$HOST docker rm -f $ids >/dev/null 2>&1 || true; fi
  fi
  if alive; then
    p=$(cat "$ROOT/docker.pid"); kill "$p" 2>/dev/null || true
    for _ in $(seq 1 60); do [[ -d /proc/$p ]] || break; sleep 0.5; done
    if [[ -d /proc/$p ]]; then kill -9 "$p" 2>/dev/null || true; fi
  fi
  # Swarm and Compose networks leave namespace mounts behind.
  if [[ -d $ROOT ]]; then
    { grep -o " $ROOT[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$ROOT"
  fi
  ip link del "$BR" 2>/dev/null || true
  rm -f "$ROOT.lock"
  say "$name stopped"; exit 0
fi

[[ $(id -u) -eq 0 ]] || { say "an extra engine needs root (dockerd)"; exit 2; }
command -v dockerd >/dev/null || bash scripts/docker-up.sh
if ! ok; then
  if ! alive; then
    rm -f "$ROOT/docker.pid" "$SOCK"
    # A restart (a test stopped the daemon and brings the host back) on the old network store makes
    # dockerd 20.10 delete the host's docker0, the main engine's bridge: start with an empty one.
    # The containers stay; Compose recreates its networks on the next `up`.
    rm -rf "$ROOT/data/network"
    had_docker0=0; ip link show docker0 >/dev/null 2>&1 && had_docker0=1
    if ! ip link show "$BR" >/dev/null 2>&1; then
      octet=$(( $(printf '%s' "$name" | cksum | cut -d' ' -f1) % 200 + 20 ))
      ip link add "$BR" type bridge
      ip addr add "10.222.$octet.1/24" dev "$BR"
      ip link set "$BR" up
    fi
    say "starting engine $name (log: $ROOT/dockerd.log)"
    setsid -f dockerd -H "$HOST" --data-root "$ROOT/data" --exec-root "$ROOT/exec" --pidfile "$ROOT/docker.pid" \
      --bridge "$BR" --iptables=false --ip-masq=false --default-address-pool base=10.223.0.0/16,size=24 >>"$ROOT/dockerd.log" 2>&1 </dev/null 9>&-
  fi
  for _ in $(seq 1 120); do ok && break; sleep 0.5; done
  ok || { say "engine $name did not answer; last lines of its log:"; tail -n 20 "$ROOT/dockerd.log" >&2; exit 1; }
  if [[ ${had_docker0:-0} == 1 ]] && ! ip link show docker0 >/dev/null 2>&1; then
    say "engine $name removed docker0: putting the main engine's bridge back"
    gw=$(DOCKER_HOST=$MAIN docker network inspect bridge -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' 2>/dev/null || true)
    sub=$(DOCKER_HOST=$MAIN docker network inspect bridge -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' 2>/dev/null || true)
    ip link add docker0 type bridge && ip addr add "${gw:-172.17.0.1}/${sub##*/}" dev docker0 && ip link set docker0 up || true
  fi
fi
for ref in "${IMAGES[@]}"; do
  DOCKER_HOST=$HOST docker image inspect "$ref" >/dev/null 2>&1 && continue
  DOCKER_HOST=$MAIN docker image inspect "$ref" >/dev/null 2>&1 || { say "main engine lacks $ref: run scripts/test-env.sh"; exit 1; }
  DOCKER_HOST=$MAIN docker save "$ref" | DOCKER_HOST=$HOST docker load >/dev/null
done
echo "$HOST"
