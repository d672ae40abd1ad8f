"""Parses error responses with botocore's own protocol parsers: JSON list in, JSON list of {"Code","Message"} out."""
import base64
import json
import sys

from botocore.parsers import create_parser

out = []
for item in json.load(sys.stdin):
    parser = create_parser(item["protocol"])
    parsed = parser.parse(
        {"status_code": item["status"], "headers": item["headers"], "body": base64.b64decode(item["body_b64"])}, None)
    error = parsed.get("Error", {})
    out.append({"Code": error.get("Code"), "Message": error.get("Message")})
json.dump(out, sys.stdout)
