# syntax=docker/dockerfile:1
# Oresi Releases: the container image.
#
#   docker build -t oresi-releases \
#     --build-arg GIT_COMMIT=$(git rev-parse --short=12 HEAD) \
#     --build-arg DOCKER_GID=$(getent group docker | cut -d: -f3) .
#
# Stages: deps (npm ci, native modules compiled by node-gyp), builder (next build,
# output: "standalone"), runtime (the standalone server, git, the Docker CLI with the
# Compose v2 plugin, tini; runs as the non-root user `node` in the `docker` group).
# deps, builder and runtime start FROM the same Node image, so better-sqlite3's
# native module is built for the runtime's libc and CPU (buildx builds each platform
# in its own pass: linux/amd64 and linux/arm64 each get their own compile).
#
# Base images are pinned to exact versions; to pin the content too, pass digests:
#   --build-arg NODE_IMAGE=node:20.20.2-bookworm-slim@sha256:<digest>
#   --build-arg DOCKER_CLI_IMAGE=docker:28.3.1-cli@sha256:<digest>
ARG NODE_IMAGE=node:20.20.2-bookworm-slim
ARG DOCKER_CLI_IMAGE=docker:28.3.1-cli

# The official Docker CLI image: static `docker` and the Compose v2 plugin (Debian
# bookworm packages only Compose v1). Both binaries are static, so they run on Debian.
FROM ${DOCKER_CLI_IMAGE} AS docker-cli

# ---- dependencies: build tools for node-gyp (better-sqlite3, cpu-features) ----------
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# ---- build: next build (standalone output) ----------------------------------------
FROM ${NODE_IMAGE} AS builder
WORKDIR /app
# .git is not in the build context (.dockerignore): CI passes the commit instead;
# next.config.js reads GIT_COMMIT and bakes it into the footer and /api/status.
ARG GIT_COMMIT=unknown
ENV NEXT_TELEMETRY_DISABLED=1 GIT_COMMIT=${GIT_COMMIT}
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN node node_modules/next/dist/bin/next build

# ---- runtime --------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# GID of the `docker` group on the host, which owns /var/run/docker.sock
# (`getent group docker | cut -d: -f3`; often 999, 998 or 994). Give it here at
# build time, or at run time with `group_add: ["<gid>"]` (compose) / `--group-add <gid>`.
ARG DOCKER_GID=999
ARG GIT_COMMIT=unknown
# git for the stacks repository, ssh for git@ remotes, tini as PID 1 (signals, zombies).
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && (getent group "${DOCKER_GID}" >/dev/null || groupadd --gid "${DOCKER_GID}" docker) \
 && usermod -aG "$(getent group "${DOCKER_GID}" | cut -d: -f1)" node \
 && git config --system --add safe.directory '*' \
 && mkdir -p /data \
 && chown node:node /data
COPY --from=docker-cli /usr/local/bin/docker /usr/local/bin/docker
COPY --from=docker-cli /usr/local/libexec/docker/cli-plugins/docker-compose /usr/local/libexec/docker/cli-plugins/docker-compose

WORKDIR /app
# The standalone server with the files it serves (e2e/standalone.spec.ts copies exactly these).
COPY --from=builder --chown=node:node /app/.next/standalone ./
COPY --from=builder --chown=node:node /app/.next/static ./.next/static
COPY --from=builder --chown=node:node /app/public ./public
COPY --from=builder --chown=node:node /app/intents ./intents
# npm run hash-password without Node on the host: docker run --rm -it <image> node scripts/hash-password.mjs
COPY --from=builder --chown=node:node /app/scripts/hash-password.mjs ./scripts/hash-password.mjs

# MALLOC_ARENA_MAX and the node flags: as scripts/server-runtime.json (an idle server stays small).
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    MALLOC_ARENA_MAX=2 \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    INTENTS_DIR=/app/intents \
    STACKS_DIR=/opt/stacks

LABEL org.opencontainers.image.title="oresi-releases" \
      org.opencontainers.image.description="Self-hosted release dashboard for GitOps on Docker Compose" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.revision="${GIT_COMMIT}"

USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--max-semi-space-size=1", "--optimize-for-size", "--single-threaded-gc", "--flush-baseline-code", "server.js"]
