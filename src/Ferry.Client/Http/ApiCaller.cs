using System.Net.Http.Json;
using System.Security.Authentication;
using System.Text.Json;
using Ferry.Core.Api;
using Ferry.Core.Errors;

namespace Ferry.Client.Http;

/// <summary>
/// Sends JSON requests to a Ferry server and turns every failure into a <see cref="FerryException"/> with a
/// message that says what to do: the server's own error, or why the server could not be reached.
/// </summary>
public sealed class ApiCaller : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _serverName;

    public ApiCaller(HttpClient http, string serverName)
    {
        _http = http;
        _serverName = serverName;
    }

    public HttpClient Http => _http;

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        await ReadAsync<T>(await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken), cancellationToken);

    public async Task<byte[]> GetBytesAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public async Task<T> SendJsonAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        await ReadAsync<T>(await SendAsync(new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, ApiJson.Options.GetTypeInfo(body.GetType())) }, cancellationToken), cancellationToken);

    public async Task<byte[]> SendBytesAsync(HttpMethod method, string path, byte[]? json, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new ByteArrayContent(json);
            request.Content.Headers.ContentType = new("application/json");
        }

        using var response = await SendAsync(request, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public async Task SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(method, path), cancellationToken);
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);

    /// <summary>Returns as soon as the headers arrive, for streamed answers (the watch feed).</summary>
    public Task<HttpResponseMessage> SendStreamingAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw TranslateConnectionError(e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw FerryException.Unavailable($"{_serverName} did not answer in time; check that it is running and reachable", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ReadErrorAsync(response, cancellationToken);
        }
    }

    private async Task<FerryException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        try
        {
            var body = await response.Content.ReadFromJsonAsync(ApiJson.TypeInfo<ApiErrorBody>(), cancellationToken);
            if (body?.Error is { } error)
            {
                return new FerryException(ErrorKindMapping.FromWireName(error.Kind), error.Message);
            }
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            // Not one of our error bodies (a load balancer, a wrong port); describe the status instead.
        }

        return new FerryException(ErrorKindMapping.FromHttpStatus(status), $"{_serverName} answered {status} {response.ReasonPhrase}");
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            return await response.Content.ReadFromJsonAsync(ApiJson.TypeInfo<T>(), cancellationToken)
                ?? throw FerryException.Unavailable("the server sent an empty answer");
        }
    }

    private FerryException TranslateConnectionError(HttpRequestException e)
    {
        if (e.Data[FerryHttp.RejectionKey] is string reason)
        {
            return FerryException.Unavailable(
                $"refusing {_serverName}: {reason}. Check that the address names this cluster's server (--insecure skips this check in test setups only)", e);
        }

        if (e.InnerException is AuthenticationException || e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            return FerryException.Unavailable(
                $"TLS with {_serverName} failed: its certificate is not trusted or ours was refused. " +
                "If the proxy uses a self-signed certificate (the quickstart), add --insecure; if your certificate expired, run tsh login again", e);
        }

        return FerryException.Unavailable($"cannot reach {_serverName}: {e.Message}; check the address and that teleport is running", e);
    }

    public void Dispose() => _http.Dispose();
}
