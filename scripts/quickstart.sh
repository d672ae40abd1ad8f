#!/usr/bin/env bash
# Ferry quickstart: build Ferry, put teleport/tctl/tsh on PATH, start an all-in-one cluster (auth + proxy on
# the embedded SQLite storage) at https://localhost:3080, and create a first admin user ready for `tsh login`.
#
#   scripts/quickstart.sh          set up (if needed) and start
#   scripts/quickstart.sh stop     stop the cluster
#   scripts/quickstart.sh status   show whether it runs
#
# Everything lives under .ferry/ in this checkout; delete that directory to start over.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STATE="$ROOT/.ferry"
BIN="$STATE/bin"
QS="$STATE/quickstart"
CONFIG="$QS/teleport.yaml"
PIDFILE="$QS/teleport.pid"
LOG="$QS/teleport.log"
WEB_PORT=${FERRY_WEB_PORT:-3080}
AUTH_PORT=${FERRY_AUTH_PORT:-3025}
ADMIN=${FERRY_ADMIN_USER:-admin}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

case "${1:-start}" in
  stop)
    if running; then kill -TERM "$(cat "$PIDFILE")"; echo "Ferry stopped."; else echo "Ferry is not running."; fi
    rm -f "$PIDFILE"; exit 0 ;;
  status)
    if running; then echo "Ferry is running (pid $(cat "$PIDFILE")) at https://localhost:$WEB_PORT"; else echo "Ferry is not running."; fi
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac

if ! command -v dotnet >/dev/null; then
  echo "Installing the .NET 10 SDK into ~/.dotnet (dotnet-install.sh)..."
  curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh
  bash /tmp/dotnet-install.sh --channel 10.0 --install-dir "$HOME/.dotnet" >/dev/null
  export PATH="$HOME/.dotnet:$PATH"
fi

echo "==> Building Ferry (Release) into $BIN"
mkdir -p "$BIN"
for project in Ferry.Teleport Ferry.Tctl Ferry.Tsh; do
  dotnet publish "src/$project" -c Release -o "$BIN" -nologo -v quiet -clp:ErrorsOnly
done

# Put the three commands on PATH: /usr/local/bin when we may write there, else ~/.local/bin.
LINKDIR=/usr/local/bin
[ -w "$LINKDIR" ] || LINKDIR="$HOME/.local/bin"
mkdir -p "$LINKDIR"
for cmd in teleport tctl tsh; do ln -sf "$BIN/$cmd" "$LINKDIR/$cmd"; done
case ":$PATH:" in *":$LINKDIR:"*) ;; *) PATH_HINT="export PATH=\"$LINKDIR:\$PATH\"" ;; esac

mkdir -p "$QS"
if [ ! -f "$CONFIG" ]; then
  cat > "$CONFIG" <<YAML
# Written by scripts/quickstart.sh: an all-in-one Ferry cluster for trying things out.
version: v3
teleport:
  nodename: localhost
  data_dir: $QS/data
  log:
    output: $LOG
    severity: INFO
auth_service:
  enabled: yes
  listen_addr: 127.0.0.1:$AUTH_PORT
  cluster_name: localhost
  authentication:
    type: local
    second_factor: off      # set to otp to require an authenticator code at login
proxy_service:
  enabled: yes
  web_listen_addr: 127.0.0.1:$WEB_PORT
  public_addr: localhost:$WEB_PORT
ssh_service:
  enabled: no
YAML
fi

if running; then
  echo "==> Ferry is already running (pid $(cat "$PIDFILE"))"
else
  echo "==> Starting Ferry (log: $LOG)"
  nohup "$BIN/teleport" start -c "$CONFIG" >>"$QS/teleport.out" 2>&1 &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 100); do
    curl -fsk "https://localhost:$WEB_PORT/v1/webapi/ping" >/dev/null 2>&1 && break
    running || { echo "Ferry failed to start; see $QS/teleport.out and $LOG" >&2; tail -n 20 "$QS/teleport.out" >&2; exit 1; }
    sleep 0.2
  done
fi

PASSWORD_FILE="$QS/$ADMIN.password"
if ! "$BIN/tctl" -c "$CONFIG" get "users/$ADMIN" >/dev/null 2>&1; then
  echo "==> Creating the first user \"$ADMIN\" (roles access, editor, auditor)"
  umask 077
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$PASSWORD_FILE"
  "$BIN/tctl" -c "$CONFIG" users add "$ADMIN" --roles=access,editor,auditor --password-stdin < "$PASSWORD_FILE" >/dev/null
fi

cat <<MSG

Ferry is running at https://localhost:$WEB_PORT (cluster "localhost").
${PATH_HINT:+
First put the commands on your PATH:
  $PATH_HINT
}
Log in as "$ADMIN" (the proxy uses a self-signed certificate, hence --insecure):
  tsh login --proxy=localhost:$WEB_PORT --user=$ADMIN --insecure
Password: $(cat "$PASSWORD_FILE" 2>/dev/null || echo "(set earlier; see $PASSWORD_FILE)")   (also in $PASSWORD_FILE)

Then, for example:
  tsh status
  tctl status
  tctl get roles

Admin commands on this host: tctl -c $CONFIG ...
Stop: scripts/quickstart.sh stop
MSG
