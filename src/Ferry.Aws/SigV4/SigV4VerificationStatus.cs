namespace Ferry.Aws.SigV4;

/// <summary>The named outcomes of <see cref="SigV4Verifier"/>; every failure maps to 403 with an empty body (§1.4).</summary>
public enum SigV4VerificationStatus
{
    /// <summary>The signature was recomputed and matches.</summary>
    Valid,

    /// <summary><c>user-agent</c> is signed, so only the access key id was checked (§1.4 step 3.2).</summary>
    ValidKeyIdOnly,

    MissingAuthorization,
    MalformedAuthorization,
    AccessKeyMismatch,
    MissingDate,
    InvalidDate,
    MissingSignedHeader,
    SignatureMismatch,
}
