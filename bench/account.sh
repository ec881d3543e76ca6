#!/usr/bin/env bash
# Times a person's data rights on a running platform with the development
# identity provider: sign in (through the real OIDC flow), create and submit an
# application, then export and delete the account.
# Usage: bash bench/account.sh [base URL, default http://127.0.0.1:8080] [runs]
set -euo pipefail
base=${1:-http://127.0.0.1:8080}
runs=${2:-5}
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
for i in $(seq 1 "$runs"); do
  jar=$(mktemp)
  email="bench.$RANDOM$RANDOM@nordlicht-digital.example"
  t=$(date +%s%N)
  page=$(curl -fsS -L -c "$jar" -b "$jar" "$base/auth/dev/login?return_to=/account")
  id=$(grep -o 'name="authRequestID" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//;s/"//')
  curl -fsS -L -o /dev/null -c "$jar" -b "$jar" --data-urlencode "authRequestID=$id" \
    --data-urlencode "email=$email" --data-urlencode "name=Bench Person $i" "$base/devidp/login"
  signin=$(ms "$t")
  csrf=$(curl -fsS -b "$jar" "$base/api/v1/me" | sed 's/.*"csrfToken":"\([^"]*\)".*/\1/')
  body='{"headline":"Werkstudentin, die KI verständlich erklärt","bio":"Ich zeige Führungskräften, wie generative KI im Alltag hilft und wo ihre Grenzen liegen. Reverse Mentoring heißt für mich zuhören und übersetzen.","topics":["digital-skills"],"languages":["de","en"],"country":"DE","availability":{"hoursPerMonth":4}}'
  curl -fsS -o /dev/null -b "$jar" -X PUT -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' --data "$body" "$base/api/v1/me/mentor-profile"
  curl -fsS -o /dev/null -b "$jar" -X POST -H "X-CSRF-Token: $csrf" "$base/api/v1/me/mentor-profile/submit"
  t=$(date +%s%N)
  size=$(curl -fsS -b "$jar" "$base/api/v1/me/export" | wc -c)
  export=$(ms "$t")
  t=$(date +%s%N)
  code=$(curl -sS -o /dev/null -w '%{http_code}' -b "$jar" -X DELETE -H "X-CSRF-Token: $csrf" "$base/api/v1/me")
  del=$(ms "$t")
  after=$(curl -sS -o /dev/null -w '%{http_code}' -b "$jar" "$base/api/v1/me")
  echo "run $i: sign-in ${signin} ms, export ${export} ms (${size} bytes), delete ${del} ms (HTTP $code; /me afterwards $after)"
  rm -f "$jar"
done
