using System.Net;

namespace Ferry.Aws.Tests.Infrastructure;

/// <summary>Answers every request with the same status, headers and body (to feed SDK error parsers).</summary>
internal sealed class FixedResponseHandler(int status, string contentType, byte[] body, IEnumerable<KeyValuePair<string, string>> headers) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(body), RequestMessage = request };
        response.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var (k, v) in headers)
        {
            response.Headers.TryAddWithoutValidation(k, v);
        }

        return Task.FromResult(response);
    }
}
