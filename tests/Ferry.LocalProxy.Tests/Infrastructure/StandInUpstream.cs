using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Ferry.LocalProxy.Tests.Infrastructure;

/// <summary>
/// Stands in for the Ferry proxy: a real Kestrel HTTPS server on 127.0.0.1:0 that requires a client certificate,
/// records every request and answers like DynamoDB for ListTables; anything else is echoed (status 200, the body
/// back, the content type back). <c>/api-error</c> answers 403 with an <c>X-Teleport-Api-Error</c> header.
/// </summary>
internal sealed class StandInUpstream : IAsyncDisposable
{
    public const string ListTablesJson = """{"TableNames":["my-dynamodb-table"]}""";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private StandInUpstream(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Off for the latency benchmark, where recording would be part of what is measured.</summary>
    public bool Record { get; set; } = true;

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public void Clear() => _requests.Clear();

    public static async Task<StandInUpstream> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // Only for the HTTP/2 measurement: the local proxy's HTTP/2 requests say ":scheme http" (see UpstreamHandler).
            kestrel.AllowAlternateSchemes = true;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    // A selector rather than a fixed certificate, so that the TLS feature records the SNI it saw.
                    ServerCertificateSelector = (_, _) => TestPki.Instance.ServerCertificate,
                    ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                    ClientCertificateValidation = (certificate, _, _) => certificate.Issuer == TestPki.Instance.Ca.Subject,
                });
            });
        });

        var app = builder.Build();
        var upstream = new StandInUpstream(app);
        app.Run(upstream.HandleAsync);
        await app.StartAsync();
        upstream.BaseAddress = new Uri(app.Urls.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        return upstream;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        if (Record)
        {
            _requests.Enqueue(new RecordedRequest(
                request.Method,
                rawTarget,
                request.Headers.Host.ToString(),
                request.Headers.TryGetValue("X-Forwarded-Host", out var forwardedHost) ? forwardedHost.ToString() : null,
                request.Headers.ToDictionary(h => h.Key, h => h.Value.Select(v => v ?? string.Empty).ToArray(), StringComparer.OrdinalIgnoreCase),
                body,
                context.Connection.ClientCertificate?.Subject,
                context.Features.Get<ITlsHandshakeFeature>()?.HostName,
                request.Protocol));
        }

        var response = context.Response;
        if (request.Headers["X-Amz-Target"] == "DynamoDB_20120810.ListTables")
        {
            response.ContentType = "application/x-amz-json-1.0";
            response.Headers["x-amzn-RequestId"] = "STANDIN";
            await response.WriteAsync(ListTablesJson, context.RequestAborted);
            return;
        }

        if (rawTarget.StartsWith("/api-error", StringComparison.Ordinal))
        {
            response.StatusCode = StatusCodes.Status403Forbidden;
            response.ContentType = "text/plain; charset=utf-8";
            response.Headers["X-Teleport-Api-Error"] = "access to app denied";
            response.Headers["X-Teleport-Api-Info"] = "an informational note";
            await response.WriteAsync("Forbidden", context.RequestAborted);
            return;
        }

        response.ContentType = request.ContentType ?? "application/octet-stream";
        response.Headers["X-Echo-Length"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["X-Echo-Target"] = Encoding.ASCII.GetString(Encoding.ASCII.GetBytes(rawTarget));
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
