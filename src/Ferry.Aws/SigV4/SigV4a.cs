namespace Ferry.Aws.SigV4;

/// <summary>
/// SigV4a (<c>AWS4-ECDSA-P256-SHA256</c>): the asymmetric variant SDKs use for S3 multi-region access points. Ferry
/// refuses it by name: the local proxy's throwaway keys are HMAC keys (a SigV4a signature cannot be checked with
/// them), and the agent cannot derive the role's ECDSA key without implementing AWS's key derivation, which no .NET
/// library offers. docs/aws-services.md "Signing modes".
/// </summary>
public static class SigV4a
{
    public const string Refusal =
        "SigV4a (AWS4-ECDSA-P256-SHA256, the signature of S3 multi-region access points) is not supported by Ferry; " +
        "address the bucket or a regional access point in one region instead";

    /// <summary>True when the Authorization header, the presigned query or the payload literal is SigV4a's.</summary>
    public static bool IsUsedBy(string? authorization, string? rawQuery, string? contentSha256) =>
        authorization?.StartsWith(SigV4Constants.SigV4aAlgorithm, StringComparison.Ordinal) == true
        || rawQuery?.Contains("X-Amz-Algorithm=" + SigV4Constants.SigV4aAlgorithm, StringComparison.Ordinal) == true
        || contentSha256?.StartsWith(SigV4Constants.StreamingSigV4aPrefix, StringComparison.Ordinal) == true;

    /// <summary>The signing name in a SigV4a credential (<c>AKID/date/service/aws4_request</c>: no region), for the error's shape.</summary>
    public static string? Service(string? authorization)
    {
        var at = authorization?.IndexOf("Credential=", StringComparison.Ordinal) ?? -1;
        if (at < 0)
        {
            return null;
        }

        var parts = authorization![(at + "Credential=".Length)..].Split([',', ' '], 2)[0].Split('/');
        return parts.Length == 4 ? parts[2] : null;
    }
}
