#!/usr/bin/env bash
# Publishes tsh as a native executable (Native AOT: starts in milliseconds, every `tsh aws` is a new process) into
# the directory given (default src/Ferry.Tsh/bin/Release/native). Native AOT links with clang; when none is on PATH
# it installs Debian's clang (root or sudo). Trim and AOT warnings fail the publish (warnings are errors).
#   scripts/publish-tsh.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-src/Ferry.Tsh/bin/Release/native}"
find_clang() { for cc in clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do command -v "$cc" >/dev/null && { echo "$cc"; return 0; }; done; return 1; }
cc="$(find_clang || true)"
if [ -z "$cc" ]; then
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  echo "Installing clang (Native AOT links tsh with it)" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq clang >/dev/null
  cc="$(find_clang)"
fi
dotnet publish src/Ferry.Tsh -c Release -r linux-x64 -p:PublishAot=true -p:CppCompilerAndLinker="$cc" -o "$out" -nologo -v quiet -clp:ErrorsOnly
rm -f "$out"/*.pdb "$out"/*.dbg
echo "$out/tsh"
