using System.Net;
using System.Text.Json;
using Ferry.Core.Errors;

namespace Ferry.Auth.Sso;

/// <summary>
/// Auth's calls to identity providers (token endpoints, user info, GitHub's API, metadata): one client with a short
/// timeout, no cookies, no redirects followed (an answer elsewhere is not the provider's), small answers only, and
/// failures as Unavailable naming the provider's URL without its query (which may hold a code).
/// </summary>
internal sealed class IdpHttp : IDisposable
{
    private const int MaxAnswerBytes = 1 << 20;

    private readonly HttpClient _http;

    public IdpHttp(HttpMessageHandler? handler = null)
    {
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.All,
        })
        {
            Timeout = TimeSpan.FromSeconds(20),
            MaxResponseContentBufferSize = MaxAnswerBytes,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Ferry-auth");
    }

    public HttpClient Client => _http;

    /// <summary>Sends and reads a JSON answer of any status (token endpoints answer errors as JSON with 400).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendJsonAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        var where = Describe(request.RequestUri);
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            try
            {
                using var document = JsonDocument.Parse(bytes);
                return (response.StatusCode, document.RootElement.Clone());
            }
            catch (JsonException)
            {
                throw FerryException.Unavailable($"{what} at {where} answered {(int)response.StatusCode} without JSON; check the connector's URLs");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw FerryException.Unavailable($"cannot reach {what} at {where}: {e.Message}");
        }
    }

    public async Task<string> GetTextAsync(Uri uri, string what, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(uri, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw FerryException.Unavailable($"{what} at {Describe(uri)} answered {(int)response.StatusCode}; check the URL");
            }

            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw FerryException.Unavailable($"cannot reach {what} at {Describe(uri)}: {e.Message}");
        }
    }

    public static string Describe(Uri? uri) => uri is null ? "(no URL)" : uri.GetLeftPart(UriPartial.Path);

    public void Dispose() => _http.Dispose();
}
