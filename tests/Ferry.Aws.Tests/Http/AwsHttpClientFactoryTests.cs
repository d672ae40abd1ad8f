using System.Net;
using Ferry.Aws.Http;
using Ferry.Aws.Tests.Infrastructure;
using Ferry.Core.Errors;

namespace Ferry.Aws.Tests.Http;

public sealed class AwsHttpClientFactoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ferry-aws-trust-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void CreateHandler_Defaults_PassThroughSettings()
    {
        using var handler = AwsHttpClientFactory.CreateHandler(AwsHttpClientOptions.FromEnvironment(new Dictionary<string, string>()));

        Assert.Equal(DecompressionMethods.None, handler.AutomaticDecompression);
        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseCookies);
        Assert.False(handler.UseProxy);
        Assert.Equal(TimeSpan.FromMinutes(5), handler.PooledConnectionLifetime);
        Assert.Null(handler.SslOptions.RemoteCertificateValidationCallback);
    }

    [Fact]
    public async Task Send_CaBundleTrustsServer_Succeeds()
    {
        using var ca = TestCertificates.CreateCa("Ferry Test CA");
        using var leaf = TestCertificates.CreateLeaf(ca, "localhost", "127.0.0.1");
        await using var server = new TinyHttpServer(_ => (200, "text/plain", "ok"), leaf);
        var bundle = TestCertificates.WritePem(_dir, "bundle.pem", ca);
        using var client = AwsHttpClientFactory.CreateClient(AwsHttpClientOptions.FromEnvironment(new Dictionary<string, string> { ["AWS_CA_BUNDLE"] = bundle }));

        var body = await client.GetStringAsync($"https://127.0.0.1:{server.Port}/");

        Assert.Equal("ok", body);
    }

    [Fact]
    public async Task Send_SystemStoreOnly_RejectsTestCa()
    {
        using var ca = TestCertificates.CreateCa("Ferry Test CA");
        using var leaf = TestCertificates.CreateLeaf(ca, "localhost", "127.0.0.1");
        await using var server = new TinyHttpServer(_ => (200, "text/plain", "ok"), leaf);
        using var client = AwsHttpClientFactory.CreateClient(AwsHttpClientOptions.FromEnvironment(new Dictionary<string, string>()));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync($"https://127.0.0.1:{server.Port}/"));
    }

    [Fact]
    public async Task Send_BundleOfAnotherCa_Rejected()
    {
        using var ca = TestCertificates.CreateCa("Ferry Test CA");
        using var other = TestCertificates.CreateCa("Other CA");
        using var leaf = TestCertificates.CreateLeaf(ca, "localhost", "127.0.0.1");
        await using var server = new TinyHttpServer(_ => (200, "text/plain", "ok"), leaf);
        // The bundle replaces the system store: the system CAs are not consulted either.
        var bundle = TestCertificates.WritePem(_dir, "other.pem", other);
        using var client = AwsHttpClientFactory.CreateClient(AwsHttpClientOptions.FromEnvironment(new Dictionary<string, string> { ["AWS_CA_BUNDLE"] = bundle }));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync($"https://127.0.0.1:{server.Port}/"));
    }

    [Fact]
    public async Task Send_TrustedCaWrongHostName_Rejected()
    {
        using var ca = TestCertificates.CreateCa("Ferry Test CA");
        using var leaf = TestCertificates.CreateLeaf(ca, "dynamodb.us-east-1.amazonaws.com");
        await using var server = new TinyHttpServer(_ => (200, "text/plain", "ok"), leaf);
        var bundle = TestCertificates.WritePem(_dir, "bundle.pem", ca);
        using var client = AwsHttpClientFactory.CreateClient(AwsHttpClientOptions.FromEnvironment(new Dictionary<string, string> { ["AWS_CA_BUNDLE"] = bundle }));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync($"https://127.0.0.1:{server.Port}/"));
    }

    [Theory]
    [InlineData("missing.pem", null)]
    [InlineData("empty.pem", "")]
    [InlineData("garbage.pem", "not a certificate")]
    public void CreateHandler_UnusableBundle_BadParameter(string file, string? content)
    {
        var path = Path.Combine(_dir, file);
        if (content is not null)
        {
            File.WriteAllText(path, content);
        }

        var e = Assert.Throws<FerryException>(() => AwsHttpClientFactory.CreateHandler(new AwsHttpClientOptions { CaBundlePath = path }));

        Assert.Equal(ErrorKind.BadParameter, e.Kind);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    // HTTPS_PROXY, NO_PROXY, target, expected proxy (null = direct)
    [InlineData("http://proxy:3128", "", "https://dynamodb.us-east-1.amazonaws.com/", "http://proxy:3128/")]
    [InlineData("proxy:3128", "", "https://sts.amazonaws.com/", "http://proxy:3128/")]
    [InlineData("http://proxy:3128", "127.0.0.1,localhost", "https://127.0.0.1:8443/", null)]
    [InlineData("http://proxy:3128", ".amazonaws.com", "https://sts.us-east-1.amazonaws.com/", null)]
    [InlineData("http://proxy:3128", "amazonaws.com", "https://sts.us-east-1.amazonaws.com/", null)]
    [InlineData("http://proxy:3128", "sts.us-east-1.amazonaws.com:443", "https://sts.us-east-1.amazonaws.com/", null)]
    [InlineData("http://proxy:3128", "*", "https://s3.amazonaws.com/", null)]
    [InlineData("http://proxy:3128", "example.com", "https://notexample.com/", "http://proxy:3128/")]
    [InlineData("http://proxy:3128", "", "http://127.0.0.1:4566/", null)] // no HTTP_PROXY for http targets
    public void FromEnvironment_ProxyVariables_Honoured(string httpsProxy, string noProxy, string target, string? expected)
    {
        var options = AwsHttpClientOptions.FromEnvironment(new Dictionary<string, string> { ["https_proxy"] = httpsProxy, ["NO_PROXY"] = noProxy });
        using var handler = AwsHttpClientFactory.CreateHandler(options);

        Assert.True(handler.UseProxy);
        Assert.Equal(expected, options.Proxy!.GetProxy(new Uri(target))?.ToString());
    }
}
