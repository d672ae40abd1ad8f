#!/usr/bin/env bash
# Ferry's AWS API benchmark: builds Release (the bench project builds teleport, tctl and tsh with it), then
# runs moto, a cluster, two app agents and tsh local proxies on loopback and prints GetItem and CLI figures
# against the same calls made directly. --suite storage measures the storage engines instead (SQLite against a
# throwaway PostgreSQL), --suite all both. Options go to the bench (bench/run.sh --help). See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "==> Building (Release)"
dotnet build bench/Ferry.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
echo "==> Publishing tsh as a native executable (as users get it)"
FERRY_TSH="$(pwd)/$(scripts/publish-tsh.sh | tail -1)"
export FERRY_TSH
exec bench/Ferry.Bench/bin/Release/net10.0/ferry-bench "$@"
