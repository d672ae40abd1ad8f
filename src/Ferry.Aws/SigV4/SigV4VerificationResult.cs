namespace Ferry.Aws.SigV4;

/// <summary>
/// What <see cref="SigV4Verifier"/> decided, with a reason fit for a log line: it names what failed,
/// never a secret or a signature.
/// </summary>
public sealed class SigV4VerificationResult
{
    internal SigV4VerificationResult(SigV4VerificationStatus status, string reason, SigV4RequestSignature? signature)
    {
        Status = status;
        Reason = reason;
        Signature = signature;
    }

    public SigV4VerificationStatus Status { get; }

    /// <summary>How many canonical forms were computed (1 when the spec form matched); for tests and benchmarks.</summary>
    internal int FormsTried { get; init; }

    public bool IsValid => Status == SigV4VerificationStatus.Valid;

    public string Reason { get; }

    /// <summary>The parsed signature; null when it was missing or malformed.</summary>
    public SigV4RequestSignature? Signature { get; }

    public override string ToString() => $"{Status}: {Reason}";
}
