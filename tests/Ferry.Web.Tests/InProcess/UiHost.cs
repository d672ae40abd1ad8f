using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Proxy.Web.Ui;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ferry.Web.Tests.InProcess;

/// <summary>
/// MapWebUi over a <see cref="FakePortal"/> in a slim HTTPS host shaped like the proxy's (CreateSlimBuilder + routing
/// core), with an HttpClient that follows no redirects and sends the cookies a test gives it.
/// </summary>
internal sealed class UiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly List<string> _logs;

    private UiHost(WebApplication app, FakePortal portal, string baseUrl, List<string> logs)
    {
        _app = app;
        _logs = logs;
        Portal = portal;
        BaseUrl = baseUrl;
        Http = new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ServerCertificateCustomValidationCallback = (_, _, _, _) => true,
        }) { BaseAddress = new Uri(baseUrl) };
    }

    public FakePortal Portal { get; }
    public string BaseUrl { get; }
    public HttpClient Http { get; }

    public static async Task<UiHost> StartAsync(FakePortal? portal = null)
    {
        portal ??= new FakePortal();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var logs = new List<string>();
        builder.Logging.AddProvider(new ListLoggerProvider(logs));
        builder.Services.AddRoutingCore();
        var certificate = SelfSigned();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(certificate)));
        var app = builder.Build();
        app.MapWebUi(portal);
        await app.StartAsync();
        return new UiHost(app, portal, app.Urls.First(), logs);
    }

    /// <summary>Everything the UI logged (event id, message, exception message).</summary>
    public IReadOnlyList<string> LogLines
    {
        get
        {
            lock (_logs)
            {
                return _logs.ToList();
            }
        }
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostFormAsync(string path, IDictionary<string, string> fields, string? cookie = null, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await Http.SendAsync(request);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(List<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add($"{eventId.Id} {formatter(state, exception)} {exception?.Message}");
            }
        }
    }
}
