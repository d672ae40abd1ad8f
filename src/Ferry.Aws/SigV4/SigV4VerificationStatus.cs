namespace Ferry.Aws.SigV4;

/// <summary>The named outcomes of <see cref="SigV4Verifier"/>; every failure maps to 403 with an empty body at the local proxy.</summary>
public enum SigV4VerificationStatus
{
    /// <summary>The signature was recomputed over the request and matches, within its time window.</summary>
    Valid,

    /// <summary>Neither an Authorization header nor signing query parameters: the request does not claim to be signed.</summary>
    MissingAuthorization,

    MalformedAuthorization,

    /// <summary>A presigned request lacks, repeats or garbles one of its X-Amz-* query parameters.</summary>
    MalformedPresignedQuery,

    /// <summary>An Authorization header and signing query parameters in one request (AWS allows one mechanism).</summary>
    ConflictingSignatures,

    AccessKeyMismatch,
    MissingDate,

    /// <summary>X-Amz-Date is malformed, repeated, or not on the credential scope's date.</summary>
    InvalidDate,

    /// <summary>Header form: X-Amz-Date more than 15 minutes behind the local clock (<see cref="SigV4TimeWindow"/>).</summary>
    DateTooOld,

    /// <summary>X-Amz-Date more than 15 minutes ahead of the local clock.</summary>
    DateInFuture,

    /// <summary>X-Amz-Expires is not a whole number of seconds from 1 to 604800.</summary>
    InvalidExpires,

    /// <summary>Query form: X-Amz-Date plus X-Amz-Expires lies in the past.</summary>
    Expired,

    MissingSignedHeader,
    SignatureMismatch,
}
