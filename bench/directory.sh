#!/usr/bin/env bash
# Directory latency at scale: seeds the demo with N mentors (default 20000) in
# a fresh data directory, reports the seeding time, then measures directory
# queries through the HTTP API against /healthz in the same run.
# Usage: bash bench/directory.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
port=18766
source bench/lib.sh
start_demo "$n" $port info
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
grep -E "demo seeded|OpenToMentor is ready" "$log" | sed 's/^/  /'
echo "data directory: $(du -sh "$data" | cut -f1) (search index $(du -sh "$data/search" | cut -f1))"
go run ./bench/load -base "http://127.0.0.1:$port" -n 1000 -c 4 \
  /healthz \
  '/api/v1/mentors' \
  '/api/v1/mentors?q=digital' \
  '/api/v1/mentors?q=digitl' \
  '/api/v1/mentors?q=Hoffman' \
  '/api/v1/mentors?q=pyth' \
  '/api/v1/mentors?q=Führungskräfte%20KI' \
  '/api/v1/mentors?topic=digital-skills&language=de' \
  '/api/v1/mentors?q=data&topic=ai-data&topic=digital-skills&country=DE&offset=40' \
  '/api/v1/mentors?q=mentor%20with%20social%20media&language=en'
echo "16 clients, mixed queries, 20 s:"
go run ./bench/load -base "http://127.0.0.1:$port" -c 16 -z 20s \
  '/api/v1/mentors' \
  '/api/v1/mentors?q=digitl' \
  '/api/v1/mentors?q=dig' \
  '/api/v1/mentors?q=leadrship' \
  '/api/v1/mentors?topic=digital-skills&language=de' \
  '/api/v1/mentors?q=F%C3%BChrungskr%C3%A4fte%20KI' \
  '/api/v1/mentors?q=Hoffman&country=DE'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "RSS after the run: $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 )) MiB"
kill $pid 2>/dev/null || true
# The figures above are mostly the result cache's (repeated queries); what a
# miss costs, per query class, is the engine's work in process:
echo "the engine alone at $n profiles, past the result cache (p50-ms, p99-ms):"
OTM_BENCH_DOCS=$n go test -run '^$' -bench Search20k -benchtime 100x -timeout 30m ./search/bleve/ | grep -E '^Benchmark'
