using System.Text.Json.Nodes;

namespace Ferry.Aws.Tests.Infrastructure;

/// <summary>botocore's SigV4Auth as an independent signer and verifier (botocore_sigv4.py), batched per call.</summary>
internal static class Botocore
{
    public static async Task<IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>>> SignAsync(
        IReadOnlyList<WireRequest> requests, AwsCredentials credentials, string region, string service, DateTimeOffset at, bool signUserAgent = false)
    {
        var input = new JsonArray();
        foreach (var r in requests)
        {
            var node = ToJson(r, credentials);
            node["region"] = region;
            node["service"] = service;
            node["sign_user_agent"] = signUserAgent;
            node["timestamp"] = at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            input.Add(node);
        }

        var output = JsonNode.Parse(await PythonRunner.RunScriptAsync("botocore_sigv4.py", "sign", input.ToJsonString()))!.AsArray();
        return output.Select(o => (IReadOnlyList<KeyValuePair<string, string>>)o!["headers"]!.AsArray()
            .Select(h => new KeyValuePair<string, string>((string)h![0]!, (string)h[1]!)).ToList()).ToList();
    }

    /// <summary>"MATCH", "MISMATCH" or another verdict per request, with botocore's canonical request.</summary>
    public static async Task<IReadOnlyList<(string Result, string? CanonicalRequest)>> VerifyAsync(
        IReadOnlyList<WireRequest> requests, AwsCredentials credentials)
    {
        var input = new JsonArray(requests.Select(r => (JsonNode)ToJson(r, credentials)).ToArray());
        var output = JsonNode.Parse(await PythonRunner.RunScriptAsync("botocore_sigv4.py", "verify", input.ToJsonString()))!.AsArray();
        return output.Select(o => ((string)o!["result"]!, (string?)o["canonical_request"])).ToList();
    }

    /// <summary>
    /// A presigned URL from botocore at a fixed time: boto3's <c>generate_presigned_url(operation, Params)</c> when
    /// <paramref name="operation"/> is given (then <paramref name="url"/> is the endpoint URL, or null for AWS's),
    /// else SigV4QueryAuth (S3SigV4QueryAuth for s3) over a GET of <paramref name="url"/>. boto3 signs the operation's
    /// own HTTP method unless <paramref name="httpMethod"/> says otherwise: POST for query-protocol services such as STS.
    /// </summary>
    public static async Task<string> PresignAsync(
        AwsCredentials credentials, string region, string service, DateTimeOffset at, int expiresSeconds,
        string? url = null, string? operation = null, JsonObject? parameters = null, string? httpMethod = null)
    {
        var node = new JsonObject
        {
            ["access_key"] = credentials.AccessKeyId,
            ["secret_key"] = credentials.SecretAccessKey,
            ["token"] = credentials.SessionToken,
            ["region"] = region,
            ["service"] = service,
            ["timestamp"] = at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["expires"] = expiresSeconds,
        };
        if (operation is not null)
        {
            node["operation"] = operation;
            node["params"] = parameters ?? new JsonObject();
            node["http_method"] = httpMethod;
            node["endpoint_url"] = url;

            // botocore 1.43 presigns S3 with the legacy SigV2 query (AWSAccessKeyId, Signature, Expires) unless told s3v4.
            node["config"] = service == "s3" ? new JsonObject { ["signature_version"] = "s3v4" } : null;
        }
        else
        {
            node["method"] = "GET";
            node["url"] = url;
        }

        var output = JsonNode.Parse(await PythonRunner.RunScriptAsync("botocore_sigv4.py", "presign", new JsonArray(node).ToJsonString()))!.AsArray();
        return (string)output[0]!["url"]!;
    }

    private static JsonObject ToJson(WireRequest r, AwsCredentials credentials) => new()
    {
        ["method"] = r.Method,
        ["url"] = r.Url,
        ["headers"] = new JsonArray(r.Headers.Select(h => (JsonNode)new JsonArray(h.Key, h.Value)).ToArray()),
        ["body_b64"] = Convert.ToBase64String(r.Body),
        ["access_key"] = credentials.AccessKeyId,
        ["secret_key"] = credentials.SecretAccessKey,
        ["token"] = credentials.SessionToken,
    };
}
