using System.Net;
using Ferry.Aws.SigV4;
using Ferry.LocalProxy.Connect;
using Ferry.LocalProxy.Hosting;
using Ferry.LocalProxy.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.LocalProxy;

/// <summary>
/// The process-local server that <c>tsh aws</c> and <c>tsh proxy aws</c> start so that unchanged AWS clients
/// reach AWS through Ferry (docs/aws-access.md §1.2–§1.5). It listens on 127.0.0.1 only:
/// <list type="bullet">
/// <item><see cref="AwsLocalProxyMode.HttpsProxy"/>: a forward proxy accepting only CONNECT; AWS hosts are
/// terminated with local-CA leaves, everything else is tunnelled (<see cref="ConnectHandler"/>).</item>
/// <item><see cref="AwsLocalProxyMode.EndpointUrl"/>: a TLS listener used as the endpoint URL.</item>
/// </list>
/// Every request is SigV4-verified in full with the throwaway key, whether signed in its Authorization header or
/// presigned in its query, and only then forwarded to the Ferry proxy with the app certificate (<see cref="AwsRequestHandler"/>).
/// </summary>
public sealed class AwsLocalProxy : IAsyncDisposable
{
    private readonly AwsLocalProxyOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private WebApplication? _app;
    private HttpMessageInvoker? _invoker;
    private string? _requestBase;
    private ConnectHandler? _connect;

    public AwsLocalProxy(AwsLocalProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _options = options;
        _loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("Ferry.LocalProxy");
    }

    public AwsLocalProxyMode Mode => _options.Mode;

    /// <summary>The bound port; valid after <see cref="StartAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>
    /// <c>http://127.0.0.1:&lt;port&gt;</c> (the HTTPS_PROXY value) or <c>https://localhost:&lt;port&gt;</c> (the endpoint
    /// URL <c>tsh aws -e</c> passes; <c>https://127.0.0.1:&lt;port&gt;</c> works as well).
    /// </summary>
    public Uri Endpoint => Port == 0
        ? throw new InvalidOperationException("The proxy has not been started.")
        : _options.Mode == AwsLocalProxyMode.HttpsProxy ? new Uri($"http://127.0.0.1:{Port}") : new Uri($"https://localhost:{Port}");

    /// <summary>The throwaway pair from the environment or fresh UUIDs (<see cref="LocalAwsCredentials.Create"/>).</summary>
    public static Ferry.Aws.AwsCredentials CreateLocalCredentials(Func<string, string?> getEnvironmentVariable) =>
        LocalAwsCredentials.Create(getEnvironmentVariable);

    /// <summary>Writes the CA bundle, binds 127.0.0.1:<see cref="AwsLocalProxyOptions.Port"/> and starts serving.</summary>
    /// <exception cref="IOException">The port is in use.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("The proxy is already started.");
        }

        _options.Ca.WritePem(_options.CaBundlePath);

        var usesOwnTls = _options.UpstreamHandlerFactory is null;
        var handler = _options.UpstreamHandlerFactory?.Invoke() ?? UpstreamHandler.Create(
            _options.UpstreamBase, _options.ClientCertificate, _options.UpstreamCertificateValidation, _options.UpstreamHttpVersion);
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        var upstream = _options.UpstreamBase;
        var requestBase = _requestBase = (usesOwnTls ? $"http://{upstream.Authority}" : $"{upstream.Scheme}://{upstream.Authority}") + upstream.AbsolutePath.TrimEnd('/');
        var forwarder = new UpstreamForwarder(_invoker, requestBase, upstream.Authority, _options.UpstreamHttpVersion,
            setForwardedHost: _options.Mode == AwsLocalProxyMode.HttpsProxy, _logger);
        var requests = new AwsRequestHandler(_options.LocalCredentials, new SigV4Verifier(_options.TimeProvider), forwarder, _options.MaxRequestBodySize, _logger, _options.TimeProvider);
        var tls = new TlsOptionsCache(_options.Ca);
        var connect = new ConnectHandler(new TunnelDialer(_options.SystemProxy, _options.TunnelConnectTimeout), _logger);
        _connect = connect;

        // An empty builder: no configuration files, environment or command line can change what tsh binds.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "Ferry.LocalProxy" });
        // Keep-alive connections close at once on stop; a request still in flight gets this long to finish.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Logging.ClearProviders().AddProvider(new HostLoggerProvider(_loggerFactory)).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // capped by AwsRequestHandler, with 413 before reading
            kestrel.Listen(new IPEndPoint(IPAddress.Loopback, _options.Port), listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                if (_options.Mode == AwsLocalProxyMode.HttpsProxy)
                {
                    listen.Use(next => connection => connect.HandleAsync(connection, next));
                }

                listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = tls.OnConnection, HandshakeTimeout = TimeSpan.FromSeconds(10) });
            });
        });

        var app = builder.Build();
        app.Run(requests.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await app.DisposeAsync();
            _invoker.Dispose();
            throw new IOException($"Cannot listen on 127.0.0.1:{_options.Port}: {e.Message}", e);
        }

        _app = app;
        Port = new Uri(app.Urls.First()).Port;
        LocalProxyLog.Started(_logger, _options.Mode, Port, upstream.Authority);
    }

    /// <summary>
    /// The variables to add to the child's environment (docs/aws-access.md §1.2, §2.3): the throwaway pair and the CA
    /// bundle, plus <c>HTTPS_PROXY</c> and <c>https_proxy</c> in HTTPS_PROXY mode.
    /// </summary>
    public IReadOnlyDictionary<string, string> GetEnvironment() =>
        EnvironmentFor(_options.Mode, Port == 0 ? throw new InvalidOperationException("The proxy has not been started.") : Port,
            _options.LocalCredentials, Path.GetFullPath(_options.CaBundlePath));

    /// <summary>The same for a proxy running elsewhere (tsh's resident proxy, known from its state file).</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentFor(AwsLocalProxyMode mode, int port, Ferry.Aws.AwsCredentials credentials, string caBundlePath)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS_ACCESS_KEY_ID"] = credentials.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = credentials.SecretAccessKey,
            ["AWS_CA_BUNDLE"] = caBundlePath,
        };

        if (mode == AwsLocalProxyMode.HttpsProxy)
        {
            var proxy = $"http://127.0.0.1:{port}";
            environment["HTTPS_PROXY"] = proxy;
            environment["https_proxy"] = proxy;
        }

        return environment;
    }

    /// <summary>
    /// Opens the pooled TLS connection to the Ferry proxy ahead of the first AWS request (a GET of its public ping),
    /// so `tsh aws` pays the handshake and the code's first run while the aws CLI is still starting. Failures are
    /// ignored: the real request reports them.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        if (_invoker is null || _requestBase is null)
        {
            return;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _requestBase + "/v1/webapi/ping") { Version = _options.UpstreamHttpVersion };
            request.Headers.Host = _options.UpstreamBase.Authority;
            using var response = await _invoker.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            LocalProxyLog.WarmUpFailed(_logger, e.Message);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var app = Interlocked.Exchange(ref _app, null);
        if (app is null)
        {
            return;
        }

        _connect?.Stop();
        await app.StopAsync(cancellationToken);
        await app.DisposeAsync();
        _invoker?.Dispose();
        LocalProxyLog.Stopped(_logger, Port);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private static void Validate(AwsLocalProxyOptions options)
    {
        var problems = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            problems.Add($"Port {options.Port} is not between 0 and 65535");
        }

        if (!options.UpstreamBase.IsAbsoluteUri || options.UpstreamBase.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"UpstreamBase '{options.UpstreamBase}' is not an https:// URL");
        }

        if (!options.ClientCertificate.HasPrivateKey)
        {
            problems.Add("ClientCertificate has no private key");
        }

        if (options.MaxRequestBodySize <= 0)
        {
            problems.Add("MaxRequestBodySize must be positive");
        }

        if (string.IsNullOrWhiteSpace(options.CaBundlePath))
        {
            problems.Add("CaBundlePath is empty");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid local AWS proxy options: " + string.Join("; ", problems) + ".", nameof(options));
        }
    }
}
