#!/usr/bin/env bash
# Suggestions latency on a running demo: signs in as the demo curator through the
# development identity provider, takes the submitted mentee requests and times
# GET …/suggestions for each. Usage: bash bench/suggest.sh [base URL] [rounds]
set -euo pipefail
base=${1:-http://127.0.0.1:8080}
rounds=${2:-3}
source "$(dirname "$0")/lib.sh"
jar=$(mktemp)
signin "$base" "$jar" jonas.becker@opentomentor.example "Jonas Becker" >/dev/null
ids=$(curl -fsS -b "$jar" "$base/api/v1/moderation/mentee-requests" | grep -o '"id":"mr_[^"]*"' | sed 's/"id":"//;s/"//')
times=()
for r in $(seq 1 "$rounds"); do
  for rid in $ids; do
    t=$(curl -fsS -o /dev/null -w '%{time_total}' -b "$jar" "$base/api/v1/moderation/mentee-requests/$rid/suggestions")
    times+=("$t")
  done
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "suggestions: n=%d p50 %.1f ms, p90 %.1f ms, max %.1f ms\n", NR, a[int(NR*0.5)+1]*1000, a[int(NR*0.9)+1]*1000, a[NR]*1000}'
rm -f "$jar"
