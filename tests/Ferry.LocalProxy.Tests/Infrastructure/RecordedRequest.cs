namespace Ferry.LocalProxy.Tests.Infrastructure;

/// <summary>What the stand-in Ferry proxy received.</summary>
internal sealed record RecordedRequest(
    string Method,
    string RawTarget,
    string Host,
    string? ForwardedHost,
    IReadOnlyDictionary<string, string[]> Headers,
    byte[] Body,
    string? ClientCertificateSubject,
    string? ServerName,
    string Protocol)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var values) ? string.Join(",", values) : null;
}
