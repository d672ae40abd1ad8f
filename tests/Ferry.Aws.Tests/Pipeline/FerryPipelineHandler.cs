using System.Net;
using Ferry.Aws.DynamoDb;
using Ferry.Aws.Endpoints;
using Ferry.Aws.SigV4;
using Ferry.Aws.Sts;

namespace Ferry.Aws.Tests.Pipeline;

/// <summary>
/// What tsh and the agent do with Ferry.Aws, squeezed into one HttpMessageHandler under an AWS SDK client:
/// verify the throwaway signature (tsh), forward with X-Forwarded-Host, resolve the upstream, assume the role,
/// re-sign and send (agent). The SDK sees the upstream's real responses.
/// </summary>
internal sealed class FerryPipelineHandler(
    AwsCredentials throwaway, AwsEndpointResolver endpoints, StsCredentialCache sts, string roleArn, string user, HttpClient upstream)
    : HttpMessageHandler
{
    private readonly SigV4Verifier _verifier = new();
    private readonly SigV4Resigner _resigner = new();

    public List<DynamoDbRequestInfo> Audit { get; } = [];

    public List<Uri> UpstreamUris { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
        var uri = request.RequestUri!;
        // What a server sees: exactly one Host (the SDK sets it itself, HttpClient would otherwise derive it).
        var headers = new List<KeyValuePair<string, string>>();
        if (request.Headers.Host is null)
        {
            headers.Add(new("Host", uri.Authority));
        }

        // NonValidated: the raw values, not re-serialised (User-Agent product tokens would otherwise change).
        headers.AddRange(request.Headers.NonValidated.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())));
        if (request.Content is not null)
        {
            headers.AddRange(request.Content.Headers.NonValidated.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())));
        }

        // tsh: verify with the throwaway keys, then forward with the AWS host the client addressed.
        var incoming = SigV4Request.FromUri(request.Method.Method, uri.GetLeftPart(UriPartial.Authority) + uri.PathAndQuery, headers);
        var verdict = _verifier.Verify(incoming, SigV4Payload.FromBody(body), throwaway);
        if (!verdict.IsValid)
        {
            return new HttpResponseMessage(HttpStatusCode.Forbidden) { RequestMessage = request };
        }

        headers.Add(new(AwsProxyHeaders.ForwardedHost, uri.Authority));

        // Agent: upstream from X-Forwarded-Host (or its override), the role's credentials, a new signature.
        var scope = verdict.Signature!;
        var endpoint = endpoints.Resolve([uri.Authority], scope.Service, scope.Region);
        var credentials = await sts.GetAsync(roleArn, null, RoleSessionName.FromUser(user), ct: ct);
        var outgoing = new SigV4Request(request.Method.Method, endpoint.Authority, endpoint.GetUpstreamPath(incoming.RawPath), incoming.RawQuery, headers);
        var signed = _resigner.Resign(outgoing, SigV4Payload.FromBody(body), scope.SignedHeaders, scope.Region, scope.Service, credentials.Credentials);
        if (DynamoDbRequestInfo.IsDynamoDbService(scope.Service))
        {
            Audit.Add(DynamoDbRequestInfo.Extract(incoming.GetHeader("X-Amz-Target"), body));
        }

        var target = endpoint.BuildRequestUri(outgoing.RawPath, outgoing.RawQuery);
        UpstreamUris.Add(target);
        using var message = new HttpRequestMessage(request.Method, target) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in signed.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.Host = value;
            }
            else if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    message.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var response = await upstream.SendAsync(message, ct);
        var copy = new HttpResponseMessage(response.StatusCode) { RequestMessage = request, Content = new ByteArrayContent(await response.Content.ReadAsByteArrayAsync(ct)) };
        foreach (var (k, v) in response.Content.Headers)
        {
            copy.Content.Headers.TryAddWithoutValidation(k, v);
        }

        foreach (var (k, v) in response.Headers)
        {
            copy.Headers.TryAddWithoutValidation(k, v);
        }

        response.Dispose();
        return copy;
    }
}
