#!/usr/bin/env bash
# build-test-image.sh NAME:TAG [--broken] [LABEL=VALUE...]
# A ~2 MB image FROM scratch with Debian's static busybox: no registry pull.
# busybox httpd serves "NAME:TAG" on port 8080; a HEALTHCHECK fetches /healthz
# (with --broken, /healthz is missing, so the container turns unhealthy).
# PID 1 is a sh that traps TERM, so a recreate takes ~0.1 s, not the 10 s timeout.
# Prints the image ID.
set -euo pipefail
[[ $# -ge 1 && $1 == *:* && $1 != -* ]] || { echo "usage: $0 NAME:TAG [--broken] [LABEL=VALUE...]" >&2; exit 2; }
REF=$1; shift
NAME=${REF%:*}; TAG=${REF##*:}
BROKEN=0
if [[ ${1:-} == --broken ]]; then BROKEN=1; shift; fi
BB=${BUSYBOX:-/bin/busybox}
[[ -x $BB ]] && ! ldd "$BB" >/dev/null 2>&1 || { echo "build-test-image: $BB is missing or not static (apt-get install busybox-static)" >&2; exit 1; }

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$BB" "$ctx/busybox"
mkdir -p "$ctx/www"
printf '<!doctype html><title>%s</title><h1>%s</h1>\n' "$NAME" "$REF" >"$ctx/www/index.html"
if [[ $BROKEN == 0 ]]; then printf 'ok\n' >"$ctx/www/healthz"; fi
cat >"$ctx/run.sh" <<'SH'
#!/bin/sh
echo "starting httpd for $IMAGE_REF"
[ -n "$LOG_LINES" ] && printf '%b\n' "$LOG_LINES"
httpd -f -p 8080 -h /www &
pid=$!
trap 'echo "stopping"; kill $pid 2>/dev/null; wait $pid; exit 0' TERM INT
wait $pid
SH
cat >"$ctx/Dockerfile" <<DOCKER
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY www /www
COPY run.sh /run.sh
ENV PATH=/bin IMAGE_REF=$REF
EXPOSE 8080
HEALTHCHECK --interval=1s --timeout=2s --start-period=1s --retries=2 CMD ["/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
CMD ["/bin/sh", "/run.sh"]
DOCKER
labels=(--label "org.opencontainers.image.title=$NAME" --label "org.opencontainers.image.version=$TAG" --label "oresi.test=1")
for kv in "$@"; do [[ $kv == *=* ]] || { echo "label '$kv' is not KEY=VALUE" >&2; exit 2; }; labels+=(--label "$kv"); done
DOCKER_BUILDKIT=0 docker build -q --rm "${labels[@]}" -t "$REF" "$ctx" >/dev/null 2>"$ctx/err" || { grep -v -E 'DEPRECATED|buildx|BuildKit|^\s*$' "$ctx/err" >&2; exit 1; }
docker image inspect -f '{{.Id}}' "$REF"
