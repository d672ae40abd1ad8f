using System.Net;
using System.Text;

namespace Ferry.Aws.Tests.Infrastructure;

/// <summary>
/// Records each outgoing request of an AWS SDK client as a <see cref="WireRequest"/> (the headers as HttpClient
/// sends them, content headers included) and answers with a canned response.
/// </summary>
internal sealed class CapturingHandler(string responseBody = "{}", string contentType = "application/x-amz-json-1.0") : HttpMessageHandler
{
    public List<WireRequest> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (k, v) in request.Headers)
        {
            headers.Add(new(k, string.Join(",", v)));
        }

        if (request.Content is not null)
        {
            foreach (var (k, v) in request.Content.Headers)
            {
                headers.Add(new(k, string.Join(",", v)));
            }
        }

        var uri = request.RequestUri!;
        Requests.Add(new WireRequest(request.Method.Method, uri.GetLeftPart(UriPartial.Authority) + uri.PathAndQuery, headers, body));
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(responseBody, Encoding.UTF8, contentType),
            RequestMessage = request,
        };
    }
}
