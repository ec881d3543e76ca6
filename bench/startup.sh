#!/usr/bin/env bash
# Measures cold start to ready (embedded database, fresh data directory), idle
# RSS and binary size. Usage: bash bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=$(mktemp -d)/opentomentor
go build -o "$bin" ./cmd/opentomentor
echo "binary: $(du -h "$bin" | cut -f1) ($(stat -c %s "$bin") bytes, go build default tags)"
port=18765
for i in $(seq 1 "$runs"); do
  data=$(mktemp -d)
  start=$(date +%s%N)
  "$bin" serve --addr 127.0.0.1:$port --data-dir "$data" --log-level warn >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; then break; fi
    sleep 0.01
  done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 5
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  kill -TERM $pid
  wait $pid || true
  rm -rf "$data"
  echo "run $i: cold start to ready ${ready} ms, idle RSS $((rss / 1024)) MiB"
done
