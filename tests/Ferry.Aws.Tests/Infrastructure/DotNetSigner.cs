using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Ferry.Aws.Tests.Infrastructure;

/// <summary>Signs a <see cref="WireRequest"/> with AWSSDK.Core's public SigV4 signer, as a .NET client would.</summary>
internal static class DotNetSigner
{
    public static async Task<WireRequest> SignAsync(WireRequest request, AwsCredentials credentials, string region, string service, DateTimeOffset at)
    {
        var uri = new Uri(request.Url);
        var signingRequest = new AWSSigningRequest { HttpMethod = new HttpMethod(request.Method), RequestUri = uri, Content = request.Body };
        foreach (var (k, v) in request.Headers)
        {
            signingRequest.Headers[k] = v;
        }

        AWSCredentials creds = credentials.SessionToken is null
            ? new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey)
            : new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);
        var result = await AWSSigV4Signer.SignAsync(signingRequest, new AWSSigV4Parameters
        {
            Credentials = creds,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = service,
            SignedAt = at.UtcDateTime,
        }, CancellationToken.None);

        var headers = request.Headers.ToList();
        headers.AddRange(result.Headers);
        // What HttpClient puts on the wire: the escaped path and query of the Uri.
        return request with { Url = uri.GetLeftPart(UriPartial.Authority) + uri.PathAndQuery, Headers = headers };
    }
}
