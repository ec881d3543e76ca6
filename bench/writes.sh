#!/usr/bin/env bash
# The write path at scale: seeds the demo with N mentors (default 20000) in a
# fresh data directory, then RUNS new people (default 30) each sign in through
# the development identity provider (the real OIDC flow), save an application
# twice, submit it; the demo curator lists the review queue and the mentee
# requests and decides (every third: request changes, the person saves and
# submits again, then approve; every third: reject; the rest: approve);
# every other approved person withdraws; everyone then erases the account.
# Reports p50/p99/max per step and the load average.
# Usage: bash bench/writes.sh [N] [RUNS]     (or BASE=http://… to use a running platform)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
runs=${2:-30}
port=18767
times=$(mktemp)
source bench/lib.sh
if [[ -z "${BASE:-}" ]]; then
  start_demo "$n" $port
  trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data" "$times"' EXIT
  BASE=$base
fi
base=$BASE

# call STEP JAR CSRF METHOD PATH [BODY]: times one request, fails on a non-2xx.
call() {
  local step=$1 jar=$2 csrf=$3 method=$4 path=$5 body=${6:-} out code t
  out=$(mktemp)
  if [[ -n "$body" ]]; then
    read -r code t < <(curl -sS -o "$out" -w '%{http_code} %{time_total}\n' -b "$jar" -X "$method" \
      -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' --data "$body" "$base$path")
  else
    read -r code t < <(curl -sS -o "$out" -w '%{http_code} %{time_total}\n' -b "$jar" -X "$method" \
      -H "X-CSRF-Token: $csrf" "$base$path")
  fi
  if [[ $code != 2* ]]; then
    echo "$step: $method $path answered $code: $(head -c 300 "$out")" >&2
    echo "$step error $t" >>"$times"
  else
    echo "$step ok $t" >>"$times"
  fi
  cat "$out"; rm -f "$out"
}

cjar=$(mktemp)
ccsrf=$(signin "$base" "$cjar" jonas.becker@opentomentor.example "Jonas Becker")
profile='{"headline":"Werkstudentin, die KI verständlich erklärt","bio":"Ich zeige Führungskräften, wie generative KI im Alltag hilft und wo ihre Grenzen liegen. Reverse Mentoring heißt für mich zuhören und übersetzen.","topics":["digital-skills"],"languages":["de","en"],"country":"DE","availability":{"hoursPerMonth":4}}'
for i in $(seq 1 "$runs"); do
  jar=$(mktemp)
  csrf=$(signin "$base" "$jar" "writes.$i.$RANDOM@nordlicht-digital.example" "Write Bench $i")
  id=$(call save "$jar" "$csrf" PUT /api/v1/me/mentor-profile "$profile" | grep -o '"id":"[^"]*"' | head -1 | sed 's/"id":"//;s/"//')
  call save "$jar" "$csrf" PUT /api/v1/me/mentor-profile "${profile/4\}/6\}}" >/dev/null
  call submit "$jar" "$csrf" POST /api/v1/me/mentor-profile/submit >/dev/null
  call queue "$cjar" "$ccsrf" GET "/api/v1/moderation/applications?status=submitted" >/dev/null
  call mentee-requests "$cjar" "$ccsrf" GET /api/v1/moderation/mentee-requests >/dev/null
  case $((i % 3)) in
    0)
      call request-changes "$cjar" "$ccsrf" POST "/api/v1/moderation/applications/$id/decision" '{"decision":"request_changes","reason":"Bitte ein Beispiel ergänzen."}' >/dev/null
      call save "$jar" "$csrf" PUT /api/v1/me/mentor-profile "$profile" >/dev/null
      call submit "$jar" "$csrf" POST /api/v1/me/mentor-profile/submit >/dev/null
      call approve "$cjar" "$ccsrf" POST "/api/v1/moderation/applications/$id/decision" '{"decision":"approve","reason":""}' >/dev/null ;;
    1)
      call reject "$cjar" "$ccsrf" POST "/api/v1/moderation/applications/$id/decision" '{"decision":"reject","reason":"Nicht in diesem Jahrgang."}' >/dev/null ;;
    2)
      call approve "$cjar" "$ccsrf" POST "/api/v1/moderation/applications/$id/decision" '{"decision":"approve","reason":""}' >/dev/null
      call withdraw "$jar" "$csrf" POST /api/v1/me/mentor-profile/withdraw >/dev/null ;;
  esac
  call erase "$jar" "$csrf" DELETE /api/v1/me >/dev/null
  rm -f "$jar"
done
rm -f "$cjar"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
sort -k1,1 -k3,3n "$times" | awk '
  { n[$1]++; v[$1, n[$1]] = $3; if ($2 == "error") e[$1]++ }
  END {
    for (s in n) {
      c = n[s]; p50 = v[s, int(c * 0.5) + 1]; p99 = v[s, int(c * 0.99) + 1 > c ? c : int(c * 0.99) + 1]
      printf "%-16s n=%3d p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  errors %d\n", s, c, p50 * 1000, p99 * 1000, v[s, c] * 1000, e[s]
    }
  }' | sort
if [[ -n "${pid:-}" ]]; then
  echo "RSS: $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 )) MiB"
fi
