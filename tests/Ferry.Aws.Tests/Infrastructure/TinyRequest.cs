namespace Ferry.Aws.Tests.Infrastructure;

/// <summary>A request seen by <see cref="TinyHttpServer"/>.</summary>
internal sealed record TinyRequest(string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body = null)
{
    /// <summary>The decoded query parameters of the request target.</summary>
    public Dictionary<string, string> Query =>
        (Target.Contains('?') ? Target[(Target.IndexOf('?') + 1)..] : string.Empty)
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty);
}
