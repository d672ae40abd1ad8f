namespace Ferry.Aws.Tests.Infrastructure;

/// <summary>An HTTP request as it travels (raw URL, headers, body): the shape the signers, botocore_sigv4.py and the verifier share.</summary>
public sealed record WireRequest(string Method, string Url, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);
