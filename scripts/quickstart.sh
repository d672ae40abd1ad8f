#!/usr/bin/env bash
# Ferry quickstart: build Ferry, put teleport/tctl/tsh on PATH, start an all-in-one cluster (auth + proxy on
# the embedded SQLite storage) at https://localhost:3080, and create a first admin user ready for `tsh login`.
#
#   scripts/quickstart.sh          set up (if needed) and start
#   scripts/quickstart.sh stop     stop everything it started
#   scripts/quickstart.sh status   show whether it runs
#
# It also starts an app agent serving the guide's "aws-dynamodb" app (joined with a token file, as in Step 3)
# and gives the first user the guide's Step 2 role, so the guide's Step 5 commands work at once:
#   - without AWS credentials in the environment, against a local AWS sandbox (moto, scripts/aws-sandbox.sh)
#     that has the guide's IAM role arn:aws:iam::123456789000:role/ExampleTeleportDynamoDBRole and a table;
#   - with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY set (and FERRY_AWS_ROLE_ARN naming your Step 1 role), against real AWS.
#   FERRY_SANDBOX=0 skips the app agent.
#
# Everything lives under .ferry/ in this checkout; delete that directory to start over.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STATE=${FERRY_STATE_DIR:-$ROOT/.ferry}
# FERRY_BIN: use teleport/tctl/tsh already built there instead of building (the tests do this).
BIN=${FERRY_BIN:-$STATE/bin}
QS="$STATE/quickstart"
CONFIG="$QS/teleport.yaml"
PIDFILE="$QS/teleport.pid"
LOG="$QS/teleport.log"
WEB_PORT=${FERRY_WEB_PORT:-3080}
AUTH_PORT=${FERRY_AUTH_PORT:-3025}
ADMIN=${FERRY_ADMIN_USER:-admin}
SANDBOX_PORT=${FERRY_SANDBOX_PORT:-4566}
AGENT_PIDFILE="$QS/agent.pid"
ROLE_ARN=${FERRY_AWS_ROLE_ARN:-arn:aws:iam::123456789000:role/ExampleTeleportDynamoDBRole}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
running() { alive "$PIDFILE"; }
stop_pid() { if alive "$1"; then kill -TERM "$(cat "$1")"; fi; rm -f "$1"; }

case "${1:-start}" in
  stop)
    stop_pid "$AGENT_PIDFILE"; stop_pid "$QS/aws/moto.pid"
    if running; then stop_pid "$PIDFILE"; echo "Ferry stopped."; else echo "Ferry is not running."; fi
    exit 0 ;;
  status)
    if running; then echo "Ferry is running (pid $(cat "$PIDFILE")) at https://localhost:$WEB_PORT"; else echo "Ferry is not running."; fi
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac

if [ -z "${FERRY_BIN:-}" ] && ! command -v dotnet >/dev/null; then
  echo "Installing the .NET 10 SDK into ~/.dotnet (dotnet-install.sh)..."
  curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh
  bash /tmp/dotnet-install.sh --channel 10.0 --install-dir "$HOME/.dotnet" >/dev/null
  export PATH="$HOME/.dotnet:$PATH"
fi

if [ -z "${FERRY_BIN:-}" ]; then
  echo "==> Building Ferry (Release) into $BIN"
  mkdir -p "$BIN"
  for project in Ferry.Teleport Ferry.Tctl; do
    # ReadyToRun: precompiled code starts faster; plain IL when it cannot be had.
    dotnet publish "src/$project" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$BIN" -nologo -v quiet -clp:ErrorsOnly 2>/dev/null \
      || dotnet publish "src/$project" -c Release -o "$BIN" -nologo -v quiet -clp:ErrorsOnly
  done
  # tsh native (every tsh aws is a new process: ~10 ms to start instead of ~70); ReadyToRun when it cannot be linked.
  scripts/publish-tsh.sh "$BIN" >/dev/null \
    || dotnet publish src/Ferry.Tsh -c Release -r linux-x64 --self-contained false -p:PublishAot=false -p:PublishReadyToRun=true -o "$BIN" -nologo -v quiet -clp:ErrorsOnly
fi

# Put the three commands on PATH: /usr/local/bin when we may write there, else ~/.local/bin (FERRY_LINK_DIR overrides).
LINKDIR=${FERRY_LINK_DIR:-/usr/local/bin}
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

BIN_TCTL=("$BIN/tctl" -c "$CONFIG")
if [ "${FERRY_SANDBOX:-1}" != 0 ]; then
  if [ -n "${AWS_ACCESS_KEY_ID:-}" ]; then
    AWS_MODE="real AWS (credentials from your environment; IAM role $ROLE_ARN)"
    AGENT_ENV="$QS/agent.env"
    ( umask 077; env | grep -E '^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_REGION|AWS_DEFAULT_REGION|AWS_PROFILE)=' > "$AGENT_ENV" )
  else
    AWS_MODE="the local AWS sandbox (moto at http://127.0.0.1:$SANDBOX_PORT, account 123456789000)"
    echo "==> Starting the local AWS sandbox"
    scripts/aws-sandbox.sh "$QS/aws" "$SANDBOX_PORT" >/dev/null
    AGENT_ENV="$QS/aws/aws.env"
  fi

  # Step 2: the guide's role, given to the first user.
  "${BIN_TCTL[@]}" create -f >/dev/null <<YAML
kind: role
version: v5
metadata:
  name: aws-dynamodb-access
spec:
  allow:
    app_labels:
      '*': '*'
    aws_role_arns:
    - $ROLE_ARN
YAML
  "${BIN_TCTL[@]}" users update "$ADMIN" --set-roles=access,editor,auditor,aws-dynamodb-access >/dev/null

  # Step 3: a token in a file, the guide's teleport.yaml, and the agent's AWS credentials as /etc/default/teleport holds them.
  if ! alive "$AGENT_PIDFILE"; then
    echo "==> Starting the app agent for aws-dynamodb"
    if [ ! -f "$QS/agent-data/identities/app.pem" ]; then
      "${BIN_TCTL[@]}" tokens add --type=app --app-name=aws-dynamodb --app-uri=https://console.aws.amazon.com/dynamodbv2/home --format=text > "$QS/token"
    fi
    PIN=$("${BIN_TCTL[@]}" status | grep -o 'sha256:[0-9a-f]*')
    cat > "$QS/agent.yaml" <<YAML
version: v3
teleport:
  nodename: localhost-agent
  data_dir: $QS/agent-data
  log:
    output: $QS/agent.log
  join_params:
    token_name: "$QS/token"
    method: token
  proxy_server: "localhost:$WEB_PORT"
  ca_pin: "$PIN"
auth_service:
  enabled: off
proxy_service:
  enabled: off
ssh_service:
  enabled: off
app_service:
  enabled: true
  apps:
  - name: aws-dynamodb
    uri: https://console.aws.amazon.com/dynamodbv2/home
YAML
    ( set -a; . "$AGENT_ENV"; set +a; unset AWS_CA_BUNDLE
      nohup "$BIN/teleport" start -c "$QS/agent.yaml" >>"$QS/agent.out" 2>&1 & echo $! > "$AGENT_PIDFILE" )
    for _ in $(seq 1 100); do "${BIN_TCTL[@]}" apps ls 2>/dev/null | grep -q aws-dynamodb && break; sleep 0.2; done
  fi
fi

AWS_HINT=""
if [ -n "${AWS_MODE:-}" ]; then
  AWS_HINT="
The app \"aws-dynamodb\" is served by an agent using $AWS_MODE.
Try the guide's Step 5:
  tsh apps login --aws-role ExampleTeleportDynamoDBRole aws-dynamodb
  tsh aws dynamodb list-tables
  tsh proxy aws -p 23456
"
fi
PATH_STEP=""
if [ -n "${PATH_HINT:-}" ]; then
  PATH_STEP="
First put the commands on your PATH:
  $PATH_HINT
"
fi

cat <<MSG

Ferry is running at https://localhost:$WEB_PORT (cluster "localhost").
$PATH_STEP
Log in as "$ADMIN" (the proxy uses a self-signed certificate, hence --insecure):
  tsh login --proxy=localhost:$WEB_PORT --user=$ADMIN --insecure
Password: $(cat "$PASSWORD_FILE" 2>/dev/null || echo "(set earlier; see $PASSWORD_FILE)")   (also in $PASSWORD_FILE)

Then, for example:
  tsh status
  tctl status
  tctl get roles
$AWS_HINT
Admin commands on this host: tctl -c $CONFIG ...
Stop: scripts/quickstart.sh stop
MSG
