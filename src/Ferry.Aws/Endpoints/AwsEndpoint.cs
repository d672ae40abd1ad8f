namespace Ferry.Aws.Endpoints;

/// <summary>
/// Where an AWS request goes: scheme, authority and an optional base path. The request's own path and
/// query are appended unchanged (docs/aws-access.md §1.7 "Request rewrite").
/// </summary>
public sealed class AwsEndpoint
{
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    internal AwsEndpoint(Uri baseUri, AwsEndpointSource source, string? overrideVariable)
    {
        BaseUri = baseUri;
        Source = source;
        OverrideVariable = overrideVariable;
        BasePath = baseUri.AbsolutePath.TrimEnd('/');
    }

    /// <summary>scheme://authority[/base path].</summary>
    public Uri BaseUri { get; }

    public string Scheme => BaseUri.Scheme;

    /// <summary>host[:port], the port only when it is not the scheme's default: the value of the signed Host header.</summary>
    public string Authority => BaseUri.Authority;

    /// <summary>The override's base path without a trailing slash; empty for AWS endpoints.</summary>
    public string BasePath { get; }

    public AwsEndpointSource Source { get; }

    /// <summary>The environment variable the endpoint came from, when <see cref="Source"/> is an override.</summary>
    public string? OverrideVariable { get; }

    /// <summary>The path to send and to sign: the base path followed by the request's raw path.</summary>
    public string GetUpstreamPath(string rawPath)
    {
        var path = string.IsNullOrEmpty(rawPath) ? "/" : rawPath;
        return BasePath.Length == 0 ? path : BasePath + path;
    }

    /// <summary>
    /// The upstream request URI. The path and query are kept byte for byte (no dot-segment removal or
    /// re-escaping by <see cref="Uri"/>), because the signature covers exactly what is sent.
    /// </summary>
    public Uri BuildRequestUri(string rawPath, string? rawQuery)
    {
        var query = string.IsNullOrEmpty(rawQuery) ? string.Empty : rawQuery[0] == '?' ? rawQuery : "?" + rawQuery;
        return new Uri($"{Scheme}://{Authority}{GetUpstreamPath(rawPath)}{query}", Verbatim);
    }

    public override string ToString() => OverrideVariable is null ? $"{BaseUri} ({Source})" : $"{BaseUri} ({OverrideVariable})";
}
