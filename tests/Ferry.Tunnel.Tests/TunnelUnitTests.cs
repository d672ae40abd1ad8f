using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Errors;
using Ferry.Tunnel.Agent;
using Ferry.Tunnel.Proxy;
using Ferry.Tunnel.Tests.Infrastructure;

namespace Ferry.Tunnel.Tests;

public sealed class TunnelUnitTests
{
    [Fact]
    public void Backoff_DoublesWithJitter_CapsAtMax_AndResets()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(15), new Random(7));
        var ceilings = new[] { 250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000 };
        foreach (var ceiling in ceilings)
        {
            var delay = backoff.Next().TotalMilliseconds;
            Assert.InRange(delay, ceiling / 2.0, ceiling);
        }

        backoff.Reset();
        Assert.InRange(backoff.Next().TotalMilliseconds, 125, 250);
    }

    [Fact]
    public void Backoff_ManyFailures_NeverOverflows()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(15), new Random(1));
        for (var i = 0; i < 10; i++)
        {
            backoff.Next();
        }

        for (var i = 0; i < 10_000; i++)
        {
            Assert.InRange(backoff.Next().TotalSeconds, 7.5, 15);
        }
    }

    [Fact]
    public void TunnelClient_InvalidOptions_ReportsEveryProblemAtOnce()
    {
        using var noKey = X509CertificateLoader.LoadCertificate(TestPki.Ca.RawData);
        var options = new TunnelClientOptions
        {
            ProxyUrl = new Uri("http://proxy.example:3080"),
            ClientCertificate = noKey,
            ServerCertificateValidation = (_, _, _) => true,
            AgentId = " ",
            Connections = 0,
            MinBackoff = TimeSpan.FromSeconds(20),
        };

        var error = Assert.Throws<FerryException>(() => new TunnelClient(options));

        Assert.Equal(ErrorKind.BadParameter, error.Kind);
        Assert.Contains("ProxyUrl must be an absolute https:// address", error.Message);
        Assert.Contains("ClientCertificate must be the agent's host certificate with its private key", error.Message);
        Assert.Contains("AgentId is required", error.Message);
        Assert.Contains("Connections must be between 1 and 64", error.Message);
        Assert.Contains("MinBackoff must be positive and at most MaxBackoff", error.Message);
    }

    [Theory]
    [InlineData("/echo/a%2Fb/./c?x=%20", "http://tunnel/echo/a%2Fb/./c?x=%20")]
    [InlineData("//double/slash?q", "http://tunnel//double/slash?q")]
    [InlineData("relative", "http://tunnel/relative")]
    [InlineData("https://s3.amazonaws.com/bucket/key?list-type=2", "http://tunnel/bucket/key?list-type=2")]
    public void Rebase_KeepsPathAndQueryVerbatim_AndPinsTheAuthority(string input, string expected)
    {
        var uri = new Uri(input, UriKind.RelativeOrAbsolute);

        var rebased = TunnelRequestHandler.Rebase(uri);

        Assert.Equal(expected, rebased.OriginalString);
        Assert.Equal("tunnel", rebased.Host);
    }

    [Fact]
    public async Task SendAsync_NoAgentForTheService_ThrowsTypedUnavailable()
    {
        await using var server = new TunnelServer();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        var error = await Assert.ThrowsAsync<TunnelUnavailableException>(() => server.SendAsync("aws-dynamodb", request, CancellationToken.None));

        Assert.Equal("no app service is connected for \"aws-dynamodb\"; check that the app agent is running and joined", error.Message);
        Assert.Equal(ErrorKind.Unavailable, error.Kind);
        Assert.Equal(503, ErrorKindMapping.ToHttpStatus(error.Kind));
    }
}
