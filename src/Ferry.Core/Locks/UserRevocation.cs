namespace Ferry.Core.Locks;

/// <summary>
/// Written by auth when a user is deleted or reset (stored JSON under <see cref="LockKeys.RevocationPrefix"/>): every
/// certificate of that user issued before <see cref="NotBefore"/> is refused by auth, proxies and agents. It lives as
/// long as the longest certificate could (<see cref="LockKeys.MaxUserCertTtl"/>), then nothing it covers is valid anyway.
/// </summary>
public sealed record UserRevocation
{
    public required string User { get; init; }
    public required DateTimeOffset NotBefore { get; init; }
    /// <summary>"deleted" or "reset": what the refused caller is told.</summary>
    public required string Reason { get; init; }
}
