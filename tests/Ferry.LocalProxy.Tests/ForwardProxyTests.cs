using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ferry.LocalProxy.Tests.Infrastructure;

namespace Ferry.LocalProxy.Tests;

/// <summary>The CONNECT forward proxy of HTTPS_PROXY mode (docs/aws-access.md §1.3a), driven with raw sockets.</summary>
public sealed class ForwardProxyTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    private StandInUpstream Upstream => fixture.Upstream;

    [Fact]
    public async Task Connect_Http10WithoutHeadersToAwsHost_TerminatesTlsWithLeafChainingToLocalCa()
    {
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);
        using var tcp = await ConnectAsync(harness.Proxy.Port);
        var stream = tcp.GetStream();

        // Exactly what botocore sends (docs/testing.md §3.3).
        var reply = await SendHeadAsync(stream, "CONNECT dynamodb.us-east-1.amazonaws.com:443 HTTP/1.0\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 ", reply);

        X509Certificate2? presented = null;
        await using var tls = new SslStream(stream, leaveInnerStreamOpen: true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "dynamodb.us-east-1.amazonaws.com",
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                presented = new X509Certificate2(certificate!);
                return harness.TrustLocalCa(this, certificate, null, errors);
            },
        });

        Assert.NotNull(presented);
        Assert.Equal("dynamodb.us-east-1.amazonaws.com", presented!.GetNameInfo(X509NameType.DnsName, false));
        Assert.Equal(harness.Ca.Certificate.Subject, presented.Issuer);
        Assert.Equal(harness.Ca.NotAfter.UtcDateTime, presented.NotAfter.ToUniversalTime());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(harness.CaPath)));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(presented), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));

        // An unsigned request inside the tunnel: 403 with an empty body, nothing forwarded.
        Upstream.Clear();
        await tls.WriteAsync("GET / HTTP/1.1\r\nHost: dynamodb.us-east-1.amazonaws.com\r\n\r\n"u8.ToArray());
        var response = await ReadHeadAsync(tls);
        Assert.StartsWith("HTTP/1.1 403 ", response);
        Assert.Contains("Content-Length: 0", response);
        Assert.Empty(Upstream.Requests);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task Connect_NonAwsHost_IsTunnelled(string host)
    {
        using var echo = new EchoServer();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);
        using var tcp = await ConnectAsync(harness.Proxy.Port);
        var stream = tcp.GetStream();

        var reply = await SendHeadAsync(stream, $"CONNECT {host}:{echo.Port} HTTP/1.1\r\nHost: {host}:{echo.Port}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 ", reply);

        for (var i = 0; i < 3; i++)
        {
            var message = Encoding.ASCII.GetBytes($"ping {i} through the tunnel");
            await stream.WriteAsync(message);
            var back = new byte[message.Length];
            await stream.ReadExactlyAsync(back);
            Assert.Equal(message, back);
        }
    }

    [Fact]
    public async Task Stop_WithOpenTunnel_ReturnsPromptlyAndClosesIt()
    {
        using var echo = new EchoServer();
        var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);
        using var tcp = await ConnectAsync(harness.Proxy.Port);
        var stream = tcp.GetStream();
        Assert.StartsWith("HTTP/1.1 200 ", await SendHeadAsync(stream, $"CONNECT 127.0.0.1:{echo.Port} HTTP/1.0\r\n\r\n"));

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await harness.DisposeAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(3), $"stopping took {stopping.Elapsed}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await stream.ReadAsync(new byte[1], timeout.Token));
    }

    [Theory]
    [InlineData("127.0.0.1:1")]
    [InlineData("no-such-host.invalid:443")]
    public async Task Connect_UnreachableHost_Gets503(string target)
    {
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);
        using var tcp = await ConnectAsync(harness.Proxy.Port);

        var reply = await SendHeadAsync(tcp.GetStream(), $"CONNECT {target} HTTP/1.0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 503 Service Unavailable", reply);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")]
    [InlineData("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n")]
    [InlineData("POST / HTTP/1.0\r\n\r\n")]
    [InlineData("this is not http\r\n\r\n")]
    public async Task NotConnect_Gets400(string head)
    {
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);
        using var tcp = await ConnectAsync(harness.Proxy.Port);

        var reply = await SendHeadAsync(tcp.GetStream(), head);

        Assert.StartsWith("HTTP/1.1 400 Bad Request", reply);
    }

    [Fact]
    public async Task HttpClientGet_OnProxyPort_Gets400()
    {
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });

        using var response = await client.GetAsync(harness.Proxy.Endpoint);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Connect_NonAwsHostWithSystemProxy_IsTunnelledThroughIt()
    {
        using var systemProxy = new FakeSystemProxy("HTTP/1.1 200 Connection established");
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy,
            systemProxy: new SystemProxySettings(new Uri($"http://127.0.0.1:{systemProxy.Port}")));
        using var tcp = await ConnectAsync(harness.Proxy.Port);
        var stream = tcp.GetStream();

        var reply = await SendHeadAsync(stream, "CONNECT example.test:443 HTTP/1.0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", reply);
        await stream.WriteAsync("hello"u8.ToArray());
        var back = new byte[5];
        await stream.ReadExactlyAsync(back);
        Assert.Equal("hello"u8.ToArray(), back);
        Assert.StartsWith("CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n", Assert.Single(systemProxy.Heads));
    }

    [Fact]
    public async Task Connect_AwsHostWithSystemProxy_IsStillIntercepted()
    {
        using var systemProxy = new FakeSystemProxy("HTTP/1.1 200 Connection established");
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy,
            systemProxy: new SystemProxySettings(new Uri($"http://127.0.0.1:{systemProxy.Port}")));
        using var client = harness.CreateClient();
        using var request = await SignedRequests.ListTablesAsync(new Uri("https://dynamodb.us-east-1.amazonaws.com/"), harness.Credentials);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(systemProxy.Heads);
    }

    [Fact]
    public async Task Connect_SystemProxyUnreachable_Gets502()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy,
            systemProxy: new SystemProxySettings(new Uri($"http://127.0.0.1:{port}")));
        using var tcp = await ConnectAsync(harness.Proxy.Port);

        var reply = await SendHeadAsync(tcp.GetStream(), "CONNECT example.test:443 HTTP/1.0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 502 Bad Gateway", reply);
    }

    [Fact]
    public async Task Connect_SystemProxyRefusesTunnel_Gets502()
    {
        using var systemProxy = new FakeSystemProxy("HTTP/1.1 407 Proxy Authentication Required");
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy,
            systemProxy: new SystemProxySettings(new Uri($"http://127.0.0.1:{systemProxy.Port}")));
        using var tcp = await ConnectAsync(harness.Proxy.Port);

        var reply = await SendHeadAsync(tcp.GetStream(), "CONNECT example.test:443 HTTP/1.0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 502 Bad Gateway", reply);
        Assert.Contains(harness.Logs.Lines, l => l.EventId == 5013 && l.Message.Contains("407", StringComparison.Ordinal));
    }

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        return tcp;
    }

    private static async Task<string> SendHeadAsync(Stream stream, string head)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        return await ReadHeadAsync(stream);
    }

    /// <summary>Reads byte by byte up to the blank line, so nothing of what follows is consumed.</summary>
    private static async Task<string> ReadHeadAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, timeout.Token) == 0)
            {
                break;
            }

            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString(head.ToArray());
    }
}
