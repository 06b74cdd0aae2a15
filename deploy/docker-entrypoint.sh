#!/bin/sh
# Container entrypoint: make the data directory writable for the `node` user, then run the
# command as `node`.
#
# Fly mounts a volume over /data owned by root, so the image's own `chown` of /data does not
# survive the mount. As root, this fixes the ownership of the data directory (and of files a
# root `fly ssh console` session left there, such as a restored database), then drops to
# `node` with setpriv, which execs in place: the app stays the one process that receives
# SIGTERM (su/runuser would SIGKILL it two seconds later, cutting the drain short).
set -eu

if [ "$(id -u)" = "0" ]; then
  data_dir="$(dirname "${REPLYWRIGHT_DB:-/data/replywright.db}")"
  mkdir -p "$data_dir"
  chown node:node "$data_dir"
  find "$data_dir" -mindepth 1 -maxdepth 1 -user root ! -name lost+found -exec chown node:node {} +
  export HOME=/home/node
  exec setpriv --reuid=node --regid=node --init-groups -- "$@"
fi

exec "$@"
