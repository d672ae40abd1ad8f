// The AWS SDK for JavaScript v3 with its defaults, through tsh proxy aws (tests/Ferry.Integration.Tests/Aws/JsSdkS3Tests.cs).
// node s3.mjs BUCKET [ENDPOINT_URL]: without an endpoint it goes through HTTPS_PROXY; the local CA comes from
// NODE_EXTRA_CA_CERTS. Prints one JSON line per upload: key, the payload hash the SDK signed, and whether the object
// came back byte for byte.
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { HttpsProxyAgent } from "https-proxy-agent";
import { Readable } from "node:stream";
import { createHash, randomBytes } from "node:crypto";

const [bucket, endpoint] = process.argv.slice(2);
const httpsAgent = endpoint ? undefined : new HttpsProxyAgent(process.env.HTTPS_PROXY);
const client = new S3Client({
  region: "us-east-1",
  maxAttempts: 1,
  ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  ...(httpsAgent ? { requestHandler: new NodeHttpHandler({ httpsAgent }) } : {}),
});

// What the SDK signed, seen just before it goes on the wire.
const signed = new Map();
client.middlewareStack.add((next) => async (args) => {
  const key = decodeURIComponent(args.request.path.split("/").pop());
  if (args.request.method === "PUT") signed.set(key, args.request.headers["x-amz-content-sha256"]);
  return next(args);
}, { step: "deserialize", name: "recordPayloadHash" });

const sha = (bytes) => createHash("sha256").update(bytes).digest("hex");
await client.send(new CreateBucketCommand({ Bucket: bucket }));
const big = randomBytes(1024 * 1024 + 777);
const uploads = [
  ["buffer.bin", () => big],
  ["stream.bin", () => Readable.from([big.subarray(0, 500000), big.subarray(500000)])],
  ["text.txt", () => "hello from the JS SDK\n"],
];
for (const [key, body] of uploads) {
  const expected = typeof body() === "string" ? Buffer.from(body()) : big;
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body(), ContentLength: expected.length }));
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = Buffer.from(await got.Body.transformToByteArray());
  console.log(JSON.stringify({ key, payload: signed.get(key) ?? null, same: sha(bytes) === sha(expected) }));
}
