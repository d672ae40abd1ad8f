#!/usr/bin/env bash
# Failover figures: runs the HA fault suite (tests/Ferry.Integration.Tests/Ha/HaFaultTests.cs: PostgreSQL, two auth
# servers, two proxies and two agents behind haproxy, boto3 calls through tsh proxy aws) and reports what it measured:
# the longest time without a successful call per fault, and how fast a role change reaches every proxy.
# The suite asserts the bounds (5 s, 1 s); this prints the figures. Needs what scripts/test.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench/results/failover-latest.json}"
mkdir -p "$(dirname "$out")"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "==> Building (Release)"
dotnet build tests/Ferry.Integration.Tests -c Release -nologo -v quiet -clp:ErrorsOnly
echo "==> Running the HA fault suite (about 3 minutes)"
status=0
dotnet test tests/Ferry.Integration.Tests -c Release --no-build -nologo \
  --filter "FullyQualifiedName~Ferry.Integration.Tests.Ha.HaFaultTests" --logger "console;verbosity=detailed" >"$log" 2>&1 || status=$?
# The suite writes one line per figure: "outage: FAULT: N ms without a successful call, M calls failed",
# "role change: first refusal N ms after the change", "every auth server down: calls succeed again N ms after ...".
lines="$(grep -hoE '(outage: .*|role change: .*|every auth server down: .*|tctl users add: .*)$' "$log" | sed 's/^ *//' | sort -u)"
printf '\n%-58s %s\n' "fault" "measured"
printf '%s\n' "$lines" | sed -E 's/^outage: ([^:]+): /\1|/; s/^(role change|every auth server down|tctl users add): /\1|/' |
  awk -F'|' '{ printf "%-58s %s\n", $1, $2 }'
printf '%s\n' "$lines" | python3 -c '
import json, subprocess, sys
rows = [line.strip() for line in sys.stdin if line.strip()]
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
json.dump({"commit": commit, "suite": "failover", "figures": rows}, open(sys.argv[1], "w"), indent=2)
' "$out"
echo "JSON: $out"
if [ "$status" -ne 0 ]; then
  echo "The fault suite failed (a bound did not hold or a run broke); its output:" >&2
  tail -100 "$log" >&2
fi
exit "$status"
