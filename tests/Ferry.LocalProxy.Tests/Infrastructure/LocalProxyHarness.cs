using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Ferry.Aws;
using Ferry.LocalProxy.Certificates;
using Microsoft.Extensions.Logging;

namespace Ferry.LocalProxy.Tests.Infrastructure;

/// <summary>A started <see cref="AwsLocalProxy"/> in front of a <see cref="StandInUpstream"/>, with its CA in a temp directory.</summary>
internal sealed class LocalProxyHarness : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;

    private LocalProxyHarness(AwsLocalProxy proxy, AwsCredentials credentials, LocalCertificateAuthority ca, string directory, ListLoggerProvider logs, ILoggerFactory loggerFactory)
    {
        Proxy = proxy;
        Credentials = credentials;
        Ca = ca;
        Directory = directory;
        Logs = logs;
        _loggerFactory = loggerFactory;
    }

    public AwsLocalProxy Proxy { get; }

    public AwsCredentials Credentials { get; }

    public LocalCertificateAuthority Ca { get; }

    public string Directory { get; }

    public string CaPath => Path.Combine(Directory, "keys", "localhost", "alice-app", "test", "aws-localca.pem");

    public ListLoggerProvider Logs { get; }

    /// <summary>The proxy's log, for assertion messages.</summary>
    public string LogText => string.Join("\n", Logs.Lines.Select(l => $"{l.Level} {l.EventId} {l.Message} {l.Exception}"));

    public static async Task<LocalProxyHarness> StartAsync(
        Uri upstream,
        AwsLocalProxyMode mode,
        long? maxRequestBodySize = null,
        SystemProxySettings? systemProxy = null,
        Version? upstreamVersion = null,
        int port = 0)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("ferry-localproxy-").FullName;
        var credentials = LocalAwsCredentials.Create(_ => null);
        var ca = LocalCertificateAuthority.FromAppCertificate(TestPki.Instance.AppCertificate);
        var logs = new ListLoggerProvider();
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var proxy = new AwsLocalProxy(new AwsLocalProxyOptions
        {
            Mode = mode,
            Port = port,
            LocalCredentials = credentials,
            Ca = ca,
            CaBundlePath = Path.Combine(directory, "keys", "localhost", "alice-app", "test", "aws-localca.pem"),
            UpstreamBase = upstream,
            ClientCertificate = TestPki.Instance.AppCertificate,
            UpstreamCertificateValidation = TestPki.Instance.ValidateServer,
            UpstreamHttpVersion = upstreamVersion ?? HttpVersion.Version11,
            MaxRequestBodySize = maxRequestBodySize ?? AwsLocalProxyOptions.DefaultMaxRequestBodySize,
            SystemProxy = systemProxy,
            LoggerFactory = loggerFactory,
        });
        await proxy.StartAsync(CancellationToken.None);
        return new LocalProxyHarness(proxy, credentials, ca, directory, logs, loggerFactory);
    }

    /// <summary>
    /// An HttpClient that reaches the proxy as AWS clients do: through it as HTTPS proxy, or at its endpoint URL;
    /// either way trusting only the local CA.
    /// </summary>
    public HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = Proxy.Mode == AwsLocalProxyMode.HttpsProxy,
            Proxy = Proxy.Mode == AwsLocalProxyMode.HttpsProxy ? new WebProxy(Proxy.Endpoint) : null,
            AutomaticDecompression = DecompressionMethods.None,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = TrustLocalCa;
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public bool TrustLocalCa(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(Ca.Certificate);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(new X509Certificate2(certificate));
    }

    /// <summary>The URL a request for <paramref name="awsHost"/> goes to: the real AWS URL through the proxy, or the endpoint URL.</summary>
    public Uri UrlFor(string awsHost, string pathAndQuery) =>
        Proxy.Mode == AwsLocalProxyMode.HttpsProxy
            ? new Uri($"https://{awsHost}{pathAndQuery}")
            : new Uri($"https://localhost:{Proxy.Port}{pathAndQuery}");

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        Ca.Dispose();
        _loggerFactory.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
