using System.Buffers;
using System.Text;
using Ferry.LocalProxy.Connect;
using Ferry.LocalProxy.Tests.Infrastructure;

namespace Ferry.LocalProxy.Tests;

/// <summary>The small pieces: CONNECT parsing, host matching, system proxy settings, credentials, options.</summary>
public sealed class UnitTests
{
    [Theory]
    [InlineData("CONNECT dynamodb.us-east-1.amazonaws.com:443 HTTP/1.0\r\n\r\n", "dynamodb.us-east-1.amazonaws.com", 443)]
    [InlineData("CONNECT s3.amazonaws.com:443 HTTP/1.1\r\nHost: s3.amazonaws.com:443\r\nUser-Agent: x\r\n\r\n", "s3.amazonaws.com", 443)]
    [InlineData("CONNECT [::1]:8443 HTTP/1.1\r\n\r\n", "::1", 8443)]
    [InlineData("CONNECT example.com HTTP/1.1\r\n\r\n", "example.com", 443)]
    public void ConnectRequest_Parses(string head, string host, int port)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(head + "TLS"));

        var status = ConnectRequest.TryParse(ref buffer, out var request, out _);

        Assert.Equal(ConnectRequest.ParseStatus.Parsed, status);
        Assert.True(request!.IsConnect);
        Assert.Equal(host, request.Host);
        Assert.Equal(port, request.Port);
        Assert.Equal("TLS", Encoding.ASCII.GetString(buffer.ToArray()));
    }

    [Theory]
    [InlineData("CONNECT host:443 HTTP/1.0\r\n", "Incomplete")]
    [InlineData("CONNECT host:99999 HTTP/1.0\r\n\r\n", "Malformed")]
    [InlineData("CONNECT :443 HTTP/1.0\r\n\r\n", "Malformed")]
    [InlineData("CONNECT host:443 SPDY/3\r\n\r\n", "Malformed")]
    [InlineData("CONNECT host:443\r\n\r\n", "Malformed")]
    public void ConnectRequest_RejectsOrWaits(string head, string expected)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(head));

        Assert.Equal(Enum.Parse<ConnectRequest.ParseStatus>(expected), ConnectRequest.TryParse(ref buffer, out _, out _));
    }

    [Fact]
    public void ConnectRequest_HeadTooLong_IsMalformed()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("CONNECT h:443 HTTP/1.1\r\nX: " + new string('a', 9000)));

        Assert.Equal(ConnectRequest.ParseStatus.Malformed, ConnectRequest.TryParse(ref buffer, out _, out _));
    }

    [Theory]
    [InlineData("dynamodb.us-east-1.amazonaws.com", true)]
    [InlineData("sts.amazonaws.com", true)]
    [InlineData("s3.cn-north-1.amazonaws.com.cn", true)]
    [InlineData("bucket.s3.us-west-2.amazonaws.com", true)]
    [InlineData("ssmmessages.us-east-1.amazonaws.com", false)]
    [InlineData("example.com", false)]
    [InlineData("amazonaws.com", false)]
    public void AwsHosts_MatchesTheReferenceRule(string host, bool intercepted) =>
        Assert.Equal(intercepted, AwsHosts.IsIntercepted(host));

    [Fact]
    public void SystemProxySettings_FromEnvironment_ReadsUpperThenLowerCase()
    {
        var settings = SystemProxySettings.FromEnvironment(name => name switch
        {
            "https_proxy" => "corp-proxy:3128",
            "no_proxy" => "internal.example.com,.svc,10.0.0.0/8,db:5432",
            _ => null,
        });

        Assert.NotNull(settings);
        Assert.Equal(new Uri("http://corp-proxy:3128"), settings!.Proxy);
        Assert.True(settings.Bypasses("internal.example.com", 443));
        Assert.True(settings.Bypasses("a.internal.example.com", 443));
        Assert.True(settings.Bypasses("x.svc", 443));
        Assert.False(settings.Bypasses("svc", 443));
        Assert.True(settings.Bypasses("10.1.2.3", 443));
        Assert.True(settings.Bypasses("db", 5432));
        Assert.False(settings.Bypasses("db", 443));
        Assert.True(settings.Bypasses("localhost", 443));
        Assert.True(settings.Bypasses("127.0.0.1", 443));
        Assert.False(settings.Bypasses("example.com", 443));
        Assert.Null(SystemProxySettings.FromEnvironment(_ => null));
        Assert.Null(SystemProxySettings.FromEnvironment(n => n == "HTTPS_PROXY" ? "socks5://x:1080" : null));
    }

    [Fact]
    public void LocalAwsCredentials_AreFreshUuidsUnlessPinned()
    {
        var first = LocalAwsCredentials.Create(_ => null);
        var second = LocalAwsCredentials.Create(_ => null);
        var pinned = LocalAwsCredentials.Create(name => name switch
        {
            "TELEPORT_AWS_ACCESS_KEY_ID" => "AKIDPINNED",
            "TELEPORT_AWS_SECRET_ACCESS_KEY" => "pinned-secret",
            _ => null,
        });

        Assert.True(Guid.TryParse(first.AccessKeyId, out _));
        Assert.True(Guid.TryParse(first.SecretAccessKey, out _));
        Assert.Null(first.SessionToken);
        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        Assert.NotEqual(first.SecretAccessKey, second.SecretAccessKey);
        Assert.Equal("AKIDPINNED", pinned.AccessKeyId);
        Assert.Equal("pinned-secret", pinned.SecretAccessKey);
    }

    [Theory]
    [InlineData(AwsLocalProxyMode.HttpsProxy)]
    [InlineData(AwsLocalProxyMode.EndpointUrl)]
    public async Task GetEnvironment_HasExactlyTheReferenceVariables(AwsLocalProxyMode mode)
    {
        await using var upstream = await StandInUpstream.StartAsync();
        await using var harness = await LocalProxyHarness.StartAsync(upstream.BaseAddress, mode);

        var environment = harness.Proxy.GetEnvironment();

        List<string> expected = mode == AwsLocalProxyMode.HttpsProxy
            ? ["AWS_ACCESS_KEY_ID", "AWS_CA_BUNDLE", "AWS_SECRET_ACCESS_KEY", "HTTPS_PROXY", "https_proxy"]
            : ["AWS_ACCESS_KEY_ID", "AWS_CA_BUNDLE", "AWS_SECRET_ACCESS_KEY"];
        Assert.Equal(expected, environment.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(harness.Credentials.AccessKeyId, environment["AWS_ACCESS_KEY_ID"]);
        Assert.Equal(harness.Credentials.SecretAccessKey, environment["AWS_SECRET_ACCESS_KEY"]);
        Assert.Equal(harness.CaPath, environment["AWS_CA_BUNDLE"]);
        Assert.True(File.Exists(harness.CaPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, FileModes.Of(harness.CaPath));
        Assert.Equal(mode == AwsLocalProxyMode.HttpsProxy ? $"http://127.0.0.1:{harness.Proxy.Port}/" : $"https://localhost:{harness.Proxy.Port}/",
            harness.Proxy.Endpoint.ToString());
    }

    [Fact]
    public async Task StartAsync_FixedPortInUse_ThrowsIOException()
    {
        await using var upstream = await StandInUpstream.StartAsync();
        await using var first = await LocalProxyHarness.StartAsync(upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);

        await Assert.ThrowsAsync<IOException>(() => LocalProxyHarness.StartAsync(upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy, port: first.Proxy.Port));
    }

    [Fact]
    public async Task UpstreamHandlerFactory_ReceivesTheUpstreamUrlAndTheClientHost()
    {
        var directory = Directory.CreateTempSubdirectory("ferry-localproxy-").FullName;
        using var ca = Certificates.LocalCertificateAuthority.FromAppCertificate(TestPki.Instance.AppCertificate);
        var credentials = LocalAwsCredentials.Create(_ => null);
        var fake = new RecordingHandler();
        await using (var proxy = new AwsLocalProxy(new AwsLocalProxyOptions
        {
            Mode = AwsLocalProxyMode.EndpointUrl,
            LocalCredentials = credentials,
            Ca = ca,
            CaBundlePath = Path.Combine(directory, "ca.pem"),
            UpstreamBase = new Uri("https://ferry.example.com:3080/prefix/"),
            ClientCertificate = TestPki.Instance.AppCertificate,
            UpstreamHandlerFactory = () => fake,
        }))
        {
            await proxy.StartAsync(CancellationToken.None);
            var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            using var client = new HttpClient(handler);
            using var request = await SignedRequests.ListTablesAsync(new Uri($"https://127.0.0.1:{proxy.Port}/a%20b?x=1"), credentials);

            using var response = await client.SendAsync(request);

            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal("https://ferry.example.com:3080/prefix/a%20b?x=1", fake.Uri);
            Assert.Equal($"127.0.0.1:{proxy.Port}", fake.Host);
        }

        Directory.Delete(directory, recursive: true);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public string? Uri { get; private set; }

        public string? Host { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri = request.RequestUri!.OriginalString;
            Host = request.Headers.Host;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.Accepted));
        }
    }

    [Fact]
    public void Options_Invalid_ReportsEveryProblem()
    {
        using var ca = Certificates.LocalCertificateAuthority.FromAppCertificate(TestPki.Instance.AppCertificate);
        var error = Assert.Throws<ArgumentException>(() => new AwsLocalProxy(new AwsLocalProxyOptions
        {
            Port = 70000,
            LocalCredentials = LocalAwsCredentials.Create(_ => null),
            Ca = ca,
            CaBundlePath = " ",
            UpstreamBase = new Uri("http://proxy.example.com"),
            ClientCertificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(TestPki.Instance.AppCertificate.RawData),
            MaxRequestBodySize = 0,
        }));

        Assert.Contains("Port 70000", error.Message);
        Assert.Contains("https://", error.Message);
        Assert.Contains("private key", error.Message);
        Assert.Contains("MaxRequestBodySize", error.Message);
        Assert.Contains("CaBundlePath", error.Message);
    }
}
