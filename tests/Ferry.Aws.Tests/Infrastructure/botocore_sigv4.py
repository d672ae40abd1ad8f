"""Independent SigV4 oracle for Ferry.Aws tests, built on botocore.auth (stdlib + botocore only).

Reads a JSON list of requests on stdin, writes a JSON list of results on stdout.
  sign:   {"method","url","headers":[[k,v]...],"body_b64","access_key","secret_key","token"?,"region","service","timestamp",
           "sign_user_agent"?}
          -> {"headers":[[k,v]...]} signed by SigV4Auth (S3SigV4Auth for s3) at the fixed timestamp (yyyymmddThhmmssZ);
          with sign_user_agent, User-Agent is signed too (as the AWS SDK for Java 1.x does; botocore itself never signs it).
  verify: {"method","url","headers","body_b64","access_key","secret_key","token"?}
          -> {"result":"MATCH"|"MISMATCH"|..., "canonical_request": "..."}; recomputes the signature over exactly the
          headers listed in SignedHeaders at the request's own X-Amz-Date, with region and service from its scope.
  presign: {"access_key","secret_key","token"?,"region","service","timestamp","expires", and either
           "operation" + "params" (+ "endpoint_url"?, "config"?: botocore Config keywords, "http_method"?): boto3's client.generate_presigned_url, or "method","url","headers":
           SigV4QueryAuth (S3SigV4QueryAuth for s3) on that request} -> {"url": the presigned URL} at the fixed timestamp.
"""
import base64
import datetime
import hashlib
import hmac
import json
import sys

import botocore.auth
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def auth_for(service, region, creds):
    cls = S3SigV4Auth if service == "s3" else SigV4Auth
    return cls(creds, service, region)


def sign(req):
    fixed = datetime.datetime.strptime(req["timestamp"], "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda *a, **k: fixed
    body = base64.b64decode(req.get("body_b64") or "")
    request = AWSRequest(method=req["method"], url=req["url"], data=body, headers=None)
    for k, v in req["headers"]:
        request.headers[k] = v
    creds = Credentials(req["access_key"], req["secret_key"], req.get("token"))
    blacklist = list(botocore.auth.SIGNED_HEADERS_BLACKLIST)
    if req.get("sign_user_agent"):
        botocore.auth.SIGNED_HEADERS_BLACKLIST = [h for h in blacklist if h != "user-agent"]
    try:
        auth_for(req["service"], req["region"], creds).add_auth(request)
    finally:
        botocore.auth.SIGNED_HEADERS_BLACKLIST = blacklist
    return {"headers": [[k, v] for k, v in request.headers.items()]}


def presign(req):
    fixed = datetime.datetime.strptime(req["timestamp"], "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda *a, **k: fixed
    if "operation" in req:
        import boto3  # only this mode needs it
        from botocore.config import Config

        client = boto3.session.Session(
            aws_access_key_id=req["access_key"],
            aws_secret_access_key=req["secret_key"],
            aws_session_token=req.get("token"),
            region_name=req["region"],
        ).client(req["service"], endpoint_url=req.get("endpoint_url"), config=Config(**(req.get("config") or {})))
        url = client.generate_presigned_url(
            req["operation"], Params=req.get("params") or {}, ExpiresIn=req["expires"], HttpMethod=req.get("http_method")
        )
        return {"url": url}
    request = AWSRequest(method=req["method"], url=req["url"], data=b"", headers=None)
    for k, v in req.get("headers") or []:
        request.headers[k] = v
    creds = Credentials(req["access_key"], req["secret_key"], req.get("token"))
    cls = S3SigV4QueryAuth if req["service"] == "s3" else SigV4QueryAuth
    cls(creds, req["service"], req["region"], expires=req["expires"]).add_auth(request)
    return {"url": request.url}


def verify(req):
    headers = req["headers"]
    authz = next((v for k, v in headers if k.lower() == "authorization"), None)
    if authz is None or not authz.startswith("AWS4-HMAC-SHA256 "):
        return {"result": "NO-AUTH"}
    parts = dict(p.strip().split("=", 1) for p in authz[len("AWS4-HMAC-SHA256 "):].split(","))
    key_id, date, region, service, _ = parts["Credential"].split("/")
    signed = parts["SignedHeaders"].split(";")
    if key_id != req["access_key"]:
        return {"result": "WRONG-KEY"}
    amz_date = next(v for k, v in headers if k.lower() == "x-amz-date")
    body = base64.b64decode(req.get("body_b64") or "")
    request = AWSRequest(method=req["method"], url=req["url"], data=body, headers=None)
    for k, v in headers:
        if k.lower() in signed:
            if k in request.headers:
                request.headers[k] = request.headers[k] + "," + v
            else:
                request.headers[k] = v
    request.context["timestamp"] = amz_date
    creds = Credentials(req["access_key"], req["secret_key"], req.get("token"))
    auth = auth_for(service, region, creds)
    canonical = auth.canonical_request(request)
    if auth.signed_headers(auth.headers_to_sign(request)) != parts["SignedHeaders"]:
        return {"result": "SIGNED-HEADERS-DIFFER", "canonical_request": canonical}
    declared = request.headers.get("X-Amz-Content-SHA256")
    if declared and declared not in ("UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"):
        if declared != hashlib.sha256(body).hexdigest():
            return {"result": "PAYLOAD-HASH-DIFFERS", "canonical_request": canonical}
    string_to_sign = auth.string_to_sign(request, canonical)
    signature = auth.signature(string_to_sign, request)
    ok = hmac.compare_digest(signature, parts["Signature"])
    return {"result": "MATCH" if ok else "MISMATCH", "canonical_request": canonical}


def main():
    mode = sys.argv[1]
    requests = json.load(sys.stdin)
    fn = {"sign": sign, "verify": verify, "presign": presign}[mode]
    json.dump([fn(r) for r in requests], sys.stdout)


if __name__ == "__main__":
    main()
