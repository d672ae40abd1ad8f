#!/usr/bin/env bash
# A local AWS for trying the guide without an AWS account: moto on 127.0.0.1 with signatures and IAM
# policies enforced, set up the way the guide's Steps 1 and 4 describe:
#   - IAM user "ferry-agent" (the app service's identity) allowed sts:AssumeRole on "*" (the Step 4 policy)
#   - IAM role ExampleTeleportDynamoDBRole in account 123456789000 (the guide's ARN), trusting that user,
#     with AmazonDynamoDBFullAccess (Step 1)
#   - a DynamoDB table "my-dynamodb-table"
#   - for the tests of other services through the same app: ExampleTeleportS3Role (AmazonS3FullAccess) and
#     ExampleTeleportServicesRole (an inline policy allowing sqs:*, kms:*, secretsmanager:*, lambda:* and nothing else)
# Usage: scripts/aws-sandbox.sh DIR [PORT]   → starts moto, writes DIR/aws.env (an /etc/default/teleport-style file)
set -euo pipefail
DIR=${1:?usage: aws-sandbox.sh DIR [PORT]}
PORT=${2:-4566}
ACCOUNT=123456789000
mkdir -p "$DIR"
ENDPOINT="http://127.0.0.1:$PORT"

if ! python3 -c 'import moto.server' 2>/dev/null; then
  echo "moto is not installed for python3 (pip install 'moto[server]')" >&2; exit 1
fi

if [ -f "$DIR/moto.pid" ] && kill -0 "$(cat "$DIR/moto.pid")" 2>/dev/null && [ -f "$DIR/aws.env" ]; then
  echo "AWS sandbox already running at $ENDPOINT"; exit 0
fi

# The first 10 calls below set things up unchecked; every later call has its signature and IAM policy checked.
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN MOTO_ACCOUNT_ID=$ACCOUNT MOTO_IAM_LOAD_MANAGED_POLICIES=true INITIAL_NO_AUTH_ACTION_COUNT=10 \
  nohup python3 -m moto.server -H 127.0.0.1 -p "$PORT" > "$DIR/moto.log" 2>&1 &
echo $! > "$DIR/moto.pid"
for _ in $(seq 1 100); do curl -fs "$ENDPOINT/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done

setup() { AWS_ACCESS_KEY_ID=setup AWS_SECRET_ACCESS_KEY=setup AWS_DEFAULT_REGION=us-east-1 AWS_CA_BUNDLE= AWS_PAGER= \
  aws --endpoint-url "$ENDPOINT" "$@"; }
setup iam create-user --user-name ferry-agent >/dev/null
setup iam put-user-policy --user-name ferry-agent --policy-name ferry-assume-roles --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}'
read -r KEY SECRET < <(setup iam create-access-key --user-name ferry-agent --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
setup iam create-role --role-name ExampleTeleportDynamoDBRole --assume-role-policy-document \
  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$ACCOUNT:user/ferry-agent\"},\"Action\":\"sts:AssumeRole\"}]}" >/dev/null
setup iam attach-role-policy --role-name ExampleTeleportDynamoDBRole --policy-arn arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess
# A second role for the other services through the same app (S3 first): tctl users update NAME --set-aws-role-arns=...
setup iam create-role --role-name ExampleTeleportS3Role --assume-role-policy-document \
  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$ACCOUNT:user/ferry-agent\"},\"Action\":\"sts:AssumeRole\"}]}" >/dev/null
setup iam attach-role-policy --role-name ExampleTeleportS3Role --policy-arn arn:aws:iam::aws:policy/AmazonS3FullAccess
# A third for SQS, KMS, Secrets Manager and Lambda (tests/Ferry.Integration.Tests/Aws/TshAwsServicesTests.cs); nothing else, so DynamoDB is refused.
setup iam create-role --role-name ExampleTeleportServicesRole --assume-role-policy-document \
  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$ACCOUNT:user/ferry-agent\"},\"Action\":\"sts:AssumeRole\"}]}" >/dev/null
setup iam put-role-policy --role-name ExampleTeleportServicesRole --policy-name ferry-services --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:*","kms:*","secretsmanager:*","lambda:*"],"Resource":"*"}]}'
setup dynamodb create-table --table-name my-dynamodb-table --attribute-definitions AttributeName=pk,AttributeType=S \
  --key-schema AttributeName=pk,KeyType=HASH --billing-mode PAY_PER_REQUEST >/dev/null

umask 077
cat > "$DIR/aws.env" <<ENV
AWS_ACCESS_KEY_ID=$KEY
AWS_SECRET_ACCESS_KEY=$SECRET
AWS_DEFAULT_REGION=us-east-1
AWS_ENDPOINT_URL=$ENDPOINT
ENV
echo "AWS sandbox (moto) running at $ENDPOINT; agent credentials in $DIR/aws.env"
