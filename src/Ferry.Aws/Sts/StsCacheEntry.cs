using Ferry.Core.Errors;

namespace Ferry.Aws.Sts;

/// <summary>
/// The state of one cache key. <see cref="Current"/> is read without the lock on the hot path; everything
/// else changes under <see cref="Gate"/>.
/// </summary>
internal sealed class StsCacheEntry
{
    public object Gate { get; } = new();

    /// <summary>The last good credentials and when to refresh them; null until the first success.</summary>
    public volatile StsCachedCredentials? Current;

    /// <summary>The AssumeRole call in flight, shared by every caller (single flight); null when idle.</summary>
    public Task<AwsSessionCredentials>? Pending { get; set; }

    public FerryException? LastFailure { get; set; }

    /// <summary>No new STS call before this instant after a failure.</summary>
    public DateTimeOffset RetryAfter { get; set; }

    public TimeSpan Backoff { get; set; }
}
