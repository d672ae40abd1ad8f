using System.Text.Json.Nodes;

namespace Ferry.Aws.Tests.Infrastructure;

/// <summary>botocore's SigV4Auth as an independent signer and verifier (botocore_sigv4.py), batched per call.</summary>
internal static class Botocore
{
    public static async Task<IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>>> SignAsync(
        IReadOnlyList<WireRequest> requests, AwsCredentials credentials, string region, string service, DateTimeOffset at)
    {
        var input = new JsonArray();
        foreach (var r in requests)
        {
            var node = ToJson(r, credentials);
            node["region"] = region;
            node["service"] = service;
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
