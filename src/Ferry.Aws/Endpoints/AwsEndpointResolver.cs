using System.Collections.Concurrent;
using Ferry.Core.Errors;

namespace Ferry.Aws.Endpoints;

/// <summary>
/// Decides where the agent sends an AWS request, in this order:
/// <list type="number">
/// <item>X-Forwarded-Host, when present, must be exactly one AWS host name (docs/aws-access.md §1.7), else BadParameter;</item>
/// <item>an AWS_ENDPOINT_URL_&lt;SERVICE&gt; or AWS_ENDPOINT_URL override replaces scheme, host, port and base path
/// (docs/aws-access.md §12.2; the service-specific one wins, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true disables both);</item>
/// <item>otherwise the X-Forwarded-Host, or without one the credential scope's service and region
/// (endpoint-URL mode, docs/aws-access.md §12.1).</item>
/// </list>
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
/// The environment is injected (a snapshot, read lazily and cached), so tests never touch the process environment.
/// </summary>
public sealed class AwsEndpointResolver
{
    public const string ForwardedHostError = "proxied requests must include X-Forwarded-Host header with an AWS service endpoint";
    public const string GlobalOverrideVariable = "AWS_ENDPOINT_URL";
    public const string OverrideVariablePrefix = "AWS_ENDPOINT_URL_";

    private readonly Func<string, string?> _environment;
    private readonly ConcurrentDictionary<string, AwsEndpoint?> _overrides = new(StringComparer.Ordinal);

    public AwsEndpointResolver(IReadOnlyDictionary<string, string> environment)
        : this(name => environment.TryGetValue(name, out var value) ? value : null)
    {
        ArgumentNullException.ThrowIfNull(environment);
    }

    public AwsEndpointResolver(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        _environment = environment;
    }

    public static AwsEndpointResolver FromProcessEnvironment() => new(Environment.GetEnvironmentVariable);

    /// <summary>Resolves the upstream of a proxied API request.</summary>
    /// <param name="forwardedHosts">The X-Forwarded-Host values; null or empty when the header is absent.</param>
    /// <param name="signingService">The credential scope's service (signing name).</param>
    /// <param name="region">The credential scope's region.</param>
    /// <exception cref="FerryException">BadParameter for an invalid X-Forwarded-Host, scope or override.</exception>
    public AwsEndpoint Resolve(IReadOnlyList<string>? forwardedHosts, string signingService, string region)
    {
        ValidateScopeName(signingService, "service");
        ValidateScopeName(region, "region");
        Uri? forwarded = null;
        if (forwardedHosts is { Count: > 0 })
        {
            if (forwardedHosts.Count != 1 || !AwsHostNames.IsAwsEndpoint(forwardedHosts[0]))
            {
                throw FerryException.BadParameter(ForwardedHostError);
            }

            forwarded = new Uri("https://" + forwardedHosts[0].Trim());
        }

        if (GetOverride(AwsServiceNames.EnvironmentSuffix(signingService)) is { } overridden)
        {
            return overridden;
        }

        if (forwarded is not null)
        {
            return new AwsEndpoint(forwarded, AwsEndpointSource.ForwardedHost, null);
        }

        return new AwsEndpoint(new Uri("https://" + ScopeHost(signingService, region)), AwsEndpointSource.CredentialScope, null);
    }

    /// <summary>The regional STS endpoint (sts.&lt;region&gt;.amazonaws.com), or the STS override.</summary>
    public AwsEndpoint ResolveSts(string region) => Resolve(null, "sts", region);

    /// <summary>
    /// The endpoint an override variable names: AWS_ENDPOINT_URL_&lt;<paramref name="serviceIdSuffix"/>&gt;, else
    /// AWS_ENDPOINT_URL (unless <paramref name="includeGlobal"/> is false); null when neither is set.
    /// </summary>
    public AwsEndpoint? GetOverride(string serviceIdSuffix, bool includeGlobal = true)
    {
        if (string.Equals(_environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var specific = OverrideVariablePrefix + AwsServiceNames.ToEnvironmentSuffix(serviceIdSuffix);
        return _overrides.GetOrAdd(specific, Parse) ?? (includeGlobal ? _overrides.GetOrAdd(GlobalOverrideVariable, Parse) : null);
    }

    /// <summary>The host name AWS uses for (signing name, region), for requests that carry no X-Forwarded-Host.</summary>
    internal static string ScopeHost(string signingService, string region)
    {
        var partition = AwsPartition.ForRegion(region);
        switch (signingService)
        {
            case "execute-api":
                // The API id is the first label of the host; the scope does not carry it.
                throw FerryException.BadParameter(
                    "cannot resolve an execute-api (API Gateway) endpoint from the credential scope: the API id is unknown; "
                    + "use HTTPS_PROXY mode (tsh proxy aws without --endpoint-url) so the AWS host is forwarded");
            case "iam":
                // Global in aws and aws-us-gov; regional in aws-cn.
                return partition == AwsPartition.China ? $"iam.{region}.{partition.DnsSuffix}"
                    : partition == AwsPartition.GovCloud ? "iam.us-gov.amazonaws.com" : "iam.amazonaws.com";
            case "route53":
                return partition == AwsPartition.GovCloud ? "route53.us-gov.amazonaws.com" : $"route53.{partition.DnsSuffix}";
            case "cloudfront":
                return partition == AwsPartition.China ? $"cloudfront.cn-northwest-1.{partition.DnsSuffix}" : "cloudfront.amazonaws.com";
            default:
                // sts is regional on purpose: sts.<region>.amazonaws.com, never the legacy global sts.amazonaws.com.
                return $"{AwsServiceNames.EndpointPrefix(signingService)}.{region}.{partition.DnsSuffix}";
        }
    }

    private AwsEndpoint? Parse(string variable)
    {
        var value = _environment(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Host.Length == 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw FerryException.BadParameter($"{variable} '{value}' is not an absolute http(s) URL without query, e.g. https://vpce-1a2b.dynamodb.us-east-1.vpce.amazonaws.com");
        }

        return new AwsEndpoint(uri, AwsEndpointSource.EnvironmentOverride, variable);
    }

    // The scope comes from the client: it must not be able to steer the host name ("x.evil.example#").
    private static void ValidateScopeName(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value.Length > 64 || value[0] == '-' || value[^1] == '-'
            || !value.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
        {
            throw FerryException.BadParameter($"the credential scope {what} '{value}' is not a valid AWS {what} name");
        }
    }
}
