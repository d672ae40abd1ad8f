#!/usr/bin/env bash
# Installs what Ferry's tests need on Debian (jq, aws CLI v2, boto3, chromium, PostgreSQL, haproxy, moto, the test IdPs' npm packages), then builds and runs every test.
# Tests that need a service (moto, the aws CLIs, PostgreSQL, haproxy, chromium) fail, never skip, when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v jq >/dev/null || need_apt+=(jq)
[ -x /usr/bin/aws ] || need_apt+=(awscli)
/usr/bin/python3 -c 'import boto3' 2>/dev/null || need_apt+=(python3-boto3 python3-botocore)
command -v curl >/dev/null || need_apt+=(curl)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)   # the web UI's browser tests drive Debian's chromium
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need_apt+=(postgresql)   # the storage and HA tests initdb a throwaway cluster
[ -x /usr/sbin/haproxy ] || need_apt+=(haproxy)   # the HA tests put a real load balancer in front of auth servers and proxies
if [ ${#need_apt[@]} -gt 0 ]; then
  log "Installing Debian packages: ${need_apt[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null; then
  echo "ERROR: the .NET 10 SDK is required (dotnet not on PATH); see https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi

# moto plays AWS in the tests (docs/testing.md §5); it ships with the image's Python and is not in Debian.
if ! python3 -c 'import moto.server' 2>/dev/null; then
  log "Installing moto[server] with pip"
  python3 -m pip install --quiet "moto[server]" || { echo "ERROR: moto is required for the AWS tests and could not be installed (pip install 'moto[server]')" >&2; exit 1; }
fi

# The SSO tests sign in through real IdPs written in Node (docs/testing.md §6): oidc-provider and samlify, pinned in their lock file.
if ! command -v npm >/dev/null; then
  log "Installing Debian packages: nodejs npm"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null
fi
# oidc-provider 9 uses crypto.hash and URL.parse (Node 20.18+); Debian bookworm's own nodejs is 18, the machine image's is 20.
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 18) ? 0 : 1)' \
  || { echo "ERROR: the test IdPs need Node.js 20.18 or later; found $(node --version)" >&2; exit 1; }
log "Installing the test IdPs' npm packages"
npm ci --prefix tests/Ferry.Web.Tests/Sso/Idp --no-audit --no-fund --loglevel=error >/dev/null
log "Installing the AWS SDK for JavaScript the S3 tests drive"
npm ci --prefix tests/Ferry.Integration.Tests/Aws/JsSdk --no-audit --no-fund --loglevel=error >/dev/null

log "Building (Release)"
dotnet build Ferry.slnx -c Release -nologo -clp:ErrorsOnly
log "Publishing tsh as a native executable (what users run; the tests drive it through FERRY_TSH)"
FERRY_TSH="$(pwd)/$(scripts/publish-tsh.sh | tail -1)"
export FERRY_TSH

log "Running tests"
dotnet test Ferry.slnx -c Release --no-build -nologo
