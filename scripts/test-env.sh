#!/usr/bin/env bash
# test-env.sh: everything the tests need, installed and started when missing.
# As root on Debian: docker.io docker-compose busybox-static docker-registry chromium openssh-server,
# a running dockerd, and the busybox test images (no registry pull). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "test-env: $*" >&2; }

# Not root (e.g. a GitHub runner): apt-get through passwordless sudo. CHROMIUM_PATH
# points at another Chromium build (Playwright uses it too) and skips the install.
SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo -n"
can_apt() { command -v apt-get >/dev/null 2>&1 && { [[ -z $SUDO ]] || sudo -n true 2>/dev/null; }; }
updated=0
apt_install() { # never prompts (debconf, conffiles, needrestart); env passes through sudo
  local apt=($SUDO env DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l apt-get -y -qq)
  ((updated)) || { "${apt[@]}" update >/dev/null; updated=1; }
  "${apt[@]}" -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install "$@" >/dev/null </dev/null
}
if [[ -n ${CHROMIUM_PATH:-} && -x ${CHROMIUM_PATH} ]]; then :
elif ! command -v chromium >/dev/null 2>&1; then
  if can_apt; then
    say "apt-get install chromium"; apt_install chromium
  else
    say "chromium is missing: install Debian's chromium (apt-get install -y chromium)"; exit 1
  fi
fi

# sshd for lib/git/ssh.int.test.ts, which starts its own on 127.0.0.1 with a temp config;
# the system ssh service is neither enabled nor started here, and the test never uses it.
if [[ ! -x /usr/sbin/sshd ]]; then
  if can_apt; then
    say "apt-get install openssh-server"; apt_install openssh-server
  else
    say "/usr/sbin/sshd is missing: install Debian's openssh-server (apt-get install -y openssh-server)"; exit 1
  fi
fi

bash scripts/docker-up.sh

build() { # build REF [args…] unless it exists
  if ! docker image inspect "$1" >/dev/null 2>&1; then
    say "building $1"; bash scripts/build-test-image.sh "$@" >/dev/null
  fi
}
build oresi-test/web:1.0.0
build oresi-test/web:1.1.0
build oresi-test/web:2.0.0-broken --broken
build oresi-test/api:1.0.0
build oresi-test/api:1.1.0
say "ready: $(docker version -f '{{.Server.Version}}') engine, $(docker-compose version --short 2>/dev/null || docker compose version --short), $("${CHROMIUM_PATH:-chromium}" --version)"
