# syntax=docker/dockerfile:1
#
# replywright: one Node 20 process running the TypeScript sources through tsx (a runtime
# dependency), SQLite (better-sqlite3) on the /data volume. See docs/DEPLOY.md.
#
#   docker build -t replywright .
#   docker build --build-arg WITH_CHROMIUM=true -t replywright:browser .   # browser poster
#   docker run -p 8080:8080 -v replywright_data:/data replywright

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- deps: production node_modules; compilers only here, in case better-sqlite3 must build
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
  && node -e "require('better-sqlite3')(':memory:').close()" \
  && node -e "require.resolve('tsx')"

# ---- runtime
FROM ${NODE_IMAGE}
# "true" adds Debian's chromium (/usr/bin/chromium, REPLYWRIGHT_BROWSER_PATH's default) for
# REPLYWRIGHT_POSTER=browser; without it the image has no browser at all.
ARG WITH_CHROMIUM=false
RUN if [ "$WITH_CHROMIUM" = "true" ]; then \
    apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-liberation \
    && rm -rf /var/lib/apt/lists/*; \
  fi

ENV NODE_ENV=production \
  REPLYWRIGHT_DB=/data/replywright.db \
  PORT=8080 \
  HOST=0.0.0.0

WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN mkdir -p /data && chown node:node /data

VOLUME /data
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Starts as root only to hand the (root-owned, on Fly) volume to `node`, then runs the
# command as `node` in place (setpriv execs): the app is the process that gets SIGTERM.
ENTRYPOINT ["/bin/sh", "/app/deploy/docker-entrypoint.sh"]
# `npm start` without npm in between: node runs tsx's loader itself.
CMD ["node", "--import", "tsx", "src/cli/start.ts"]
