using System.Net;
using System.Text;
using System.Text.Json;
using Ferry.Aws.Endpoints;
using Ferry.Aws.Sts;
using Ferry.Core.Errors;

namespace Ferry.Aws.Federation;

/// <summary>
/// Signs a user into the AWS Management Console with role-session credentials through the AWS federation
/// endpoint (docs/aws-access.md §3.4 steps 5–7):
/// <code>
/// GET &lt;federation&gt;?Action=getSigninToken&amp;Session={"sessionId","sessionKey","sessionToken"}[&amp;SessionDuration=N]  → {"SigninToken": …}
/// 302 &lt;federation&gt;?Action=login&amp;SigninToken=…&amp;Destination=&lt;app URI&gt;&amp;Issuer=&lt;public address&gt;
/// </code>
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_enable-console-custom-url.html
/// The sign-in token is a bearer secret: it is never logged.
/// </summary>
public sealed class AwsFederation
{
    public const string SigninOverrideSuffix = "SIGNIN";

    private readonly HttpClient _http;
    private readonly AwsEndpointResolver _endpoints;

    /// <param name="http">The shared AWS client (<see cref="Http.AwsHttpClientFactory"/>), so AWS_CA_BUNDLE applies.</param>
    /// <param name="endpoints">For the AWS_ENDPOINT_URL_SIGNIN override.</param>
    public AwsFederation(HttpClient http, AwsEndpointResolver endpoints)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoints);
        _http = http;
        _endpoints = endpoints;
    }

    /// <summary>
    /// The federation endpoint of the app's partition, from its console URL: console.amazonaws-us-gov.com →
    /// signin.amazonaws-us-gov.com, console.amazonaws.cn → signin.amazonaws.cn, anything else signin.aws.amazon.com.
    /// AWS_ENDPOINT_URL_SIGNIN (only that variable, not AWS_ENDPOINT_URL) replaces scheme, host, port and base path.
    /// </summary>
    public Uri GetFederationEndpoint(string appUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(appUri);
        if (_endpoints.GetOverride(SigninOverrideSuffix, includeGlobal: false) is { } overridden)
        {
            return overridden.BuildRequestUri("/federation", null);
        }

        return new Uri(PartitionOfConsole(appUri).FederationEndpoint);
    }

    /// <summary>Calls getSigninToken; <paramref name="sessionDuration"/> only for long-lived agent credentials.</summary>
    /// <exception cref="FerryException">Unavailable on a non-200 answer or one without SigninToken.</exception>
    public async Task<string> GetSigninTokenAsync(Uri federationEndpoint, AwsSessionCredentials credentials, TimeSpan? sessionDuration, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(federationEndpoint);
        ArgumentNullException.ThrowIfNull(credentials);
        var query = new StringBuilder("Action=getSigninToken");
        if (sessionDuration is { } duration)
        {
            query.Append("&SessionDuration=").Append((long)duration.TotalSeconds);
        }

        query.Append("&Session=").Append(Uri.EscapeDataString(SessionJson(credentials)));
        using var request = new HttpRequestMessage(HttpMethod.Get, WithQuery(federationEndpoint, query.ToString()));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw FerryException.Unavailable($"non-200 response from AWS federation endpoint: {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("SigninToken", out var token) && token.ValueKind == JsonValueKind.String
                && token.GetString() is { Length: > 0 } value)
            {
                return value;
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }

        throw FerryException.Unavailable("the AWS federation endpoint answered getSigninToken without a SigninToken");
    }

    /// <summary>The URL to redirect the browser to.</summary>
    public static Uri BuildLoginUrl(Uri federationEndpoint, string signinToken, string destination, string issuer)
    {
        ArgumentNullException.ThrowIfNull(federationEndpoint);
        ArgumentException.ThrowIfNullOrEmpty(signinToken);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        return WithQuery(federationEndpoint,
            $"Action=login&SigninToken={Uri.EscapeDataString(signinToken)}&Destination={Uri.EscapeDataString(destination)}&Issuer={Uri.EscapeDataString(issuer)}");
    }

    /// <summary>getSigninToken then the login URL, with the duration rules of <see cref="ConsoleSessionDuration"/>.</summary>
    public async Task<Uri> GetSigninUrlAsync(
        AwsSessionCredentials credentials, string appUri, string issuer, ConsoleSessionDuration duration, CancellationToken ct)
    {
        var federation = GetFederationEndpoint(appUri);
        var sessionDuration = duration.SigninSessionDurationSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var token = await GetSigninTokenAsync(federation, credentials, sessionDuration, ct);
        return BuildLoginUrl(federation, token, appUri, issuer);
    }

    internal static AwsPartition PartitionOfConsole(string appUri)
    {
        var host = Uri.TryCreate(appUri, UriKind.Absolute, out var uri) ? uri.Host : appUri;
        if (host.EndsWith("amazonaws-us-gov.com", StringComparison.OrdinalIgnoreCase))
        {
            return AwsPartition.GovCloud;
        }

        return host.EndsWith("amazonaws.cn", StringComparison.OrdinalIgnoreCase) ? AwsPartition.China : AwsPartition.Aws;
    }

    private static string SessionJson(AwsSessionCredentials credentials)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("sessionId", credentials.AccessKeyId);
            writer.WriteString("sessionKey", credentials.SecretAccessKey);
            writer.WriteString("sessionToken", credentials.SessionToken);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static Uri WithQuery(Uri endpoint, string query)
    {
        var builder = new UriBuilder(endpoint) { Query = query };
        return builder.Uri;
    }
}
