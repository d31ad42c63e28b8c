#!/usr/bin/env bash
# The tests use a real Redis at 127.0.0.1:6379. Start one (in memory only) when none answers.
set -eu
if (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  exit 0
fi
if ! command -v redis-server >/dev/null; then
  echo "The tests need Redis on 127.0.0.1:6379: install redis-server or start one there." >&2
  exit 1
fi
mkdir -p /tmp/newsrag-redis
redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
  --dir /tmp/newsrag-redis --logfile /tmp/newsrag-redis/redis.log
for _ in $(seq 50); do
  (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && exit 0
  sleep 0.1
done
echo "redis-server did not start; see /tmp/newsrag-redis/redis.log" >&2
exit 1
