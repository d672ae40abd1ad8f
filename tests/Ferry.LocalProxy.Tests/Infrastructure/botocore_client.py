"""A botocore client for the local proxy's signature tests, using the environment tsh hands to AWS clients
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_CA_BUNDLE, HTTPS_PROXY in HTTPS_PROXY mode).

  presign SERVICE OPERATION PARAMS_JSON EXPIRES CLOCK_OFFSET_SECONDS [ENDPOINT_URL]
      prints boto3's generate_presigned_url (a GET; s3v4 for S3), signed as if the clock were off by the offset.
  send-user-agent-signed URL forge|valid
      signs a DynamoDB ListTables with User-Agent among the signed headers (as the AWS SDK for Java 1.x does;
      botocore never signs it), replaces the signature with zeros when told to forge, sends it, prints the status.
"""
import datetime
import json
import os
import sys

import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.httpsession import URLLib3Session


def credentials():
    return Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])


def presign(service, operation, params, expires, offset, endpoint_url=None):
    import boto3
    from botocore.config import Config

    at = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(seconds=int(offset))
    botocore.auth.get_current_datetime = lambda *a, **k: at
    creds = credentials()
    client = boto3.session.Session(
        aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key, region_name="us-east-1"
    ).client(service, endpoint_url=endpoint_url, config=Config(signature_version="s3v4") if service == "s3" else None)
    print(client.generate_presigned_url(operation, Params=json.loads(params), ExpiresIn=int(expires), HttpMethod="GET"))


def send_user_agent_signed(url, mode):
    botocore.auth.SIGNED_HEADERS_BLACKLIST = [h for h in botocore.auth.SIGNED_HEADERS_BLACKLIST if h != "user-agent"]
    request = AWSRequest(method="POST", url=url, data=b"{}", headers={
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810.ListTables",
        "User-Agent": "aws-sdk-java/1.12.780 Linux/6.1",
    })
    SigV4Auth(credentials(), "dynamodb", "us-east-1").add_auth(request)
    authorization = request.headers["Authorization"]
    assert "user-agent" in authorization.split("SignedHeaders=")[1].split(",")[0].split(";"), authorization
    if mode == "forge":
        request.headers["Authorization"] = authorization[:-64] + "0" * 64
    proxy = os.environ.get("HTTPS_PROXY")
    session = URLLib3Session(verify=os.environ["AWS_CA_BUNDLE"], proxies={"https": proxy} if proxy else None)
    print(session.send(request.prepare()).status_code)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"presign": presign, "send-user-agent-signed": send_user_agent_signed}[command](*args)
