using System.Text.Json;
using Ferry.Aws.Endpoints;
using Ferry.Aws.Federation;
using Ferry.Aws.Sts;
using Ferry.Aws.Tests.Infrastructure;
using Ferry.Core.Errors;

namespace Ferry.Aws.Tests.Federation;

public sealed class AwsFederationTests
{
    private static readonly AwsSessionCredentials Session = new(
        "ASIAEXAMPLE", "secret/with+special=chars", "token/with+special==", DateTimeOffset.UtcNow.AddHours(1),
        "arn:aws:sts::123456789012:assumed-role/Role/alice");

    private static AwsFederation Federation(HttpClient http, Dictionary<string, string>? env = null) =>
        new(http, new AwsEndpointResolver(env ?? []));

    [Theory]
    [InlineData("https://console.aws.amazon.com/ec2/v2/home", "https://signin.aws.amazon.com/federation")]
    [InlineData("https://us-west-2.console.aws.amazon.com/dynamodbv2/home", "https://signin.aws.amazon.com/federation")]
    [InlineData("https://console.amazonaws-us-gov.com/", "https://signin.amazonaws-us-gov.com/federation")]
    [InlineData("https://us-gov-west-1.console.amazonaws-us-gov.com/s3", "https://signin.amazonaws-us-gov.com/federation")]
    [InlineData("https://console.amazonaws.cn/console/home", "https://signin.amazonaws.cn/federation")]
    public void GetFederationEndpoint_ConsoleUri_PartitionSignin(string appUri, string expected)
    {
        using var http = new HttpClient();

        Assert.Equal(expected, Federation(http).GetFederationEndpoint(appUri).ToString());
    }

    [Fact]
    public void GetFederationEndpoint_SigninOverride_ReplacesHostKeepsPath()
    {
        using var http = new HttpClient();
        var env = new Dictionary<string, string> { ["AWS_ENDPOINT_URL_SIGNIN"] = "http://127.0.0.1:9000/base", ["AWS_ENDPOINT_URL"] = "http://moto:1" };

        Assert.Equal("http://127.0.0.1:9000/base/federation", Federation(http, env).GetFederationEndpoint("https://console.aws.amazon.com/").ToString());
        // AWS_ENDPOINT_URL alone does not move the federation endpoint.
        Assert.Equal("https://signin.aws.amazon.com/federation",
            Federation(http, new() { ["AWS_ENDPOINT_URL"] = "http://moto:1" }).GetFederationEndpoint("https://console.aws.amazon.com/").ToString());
    }

    [Theory]
    [InlineData(false, "43200")] // long-lived agent credentials: SessionDuration sent
    [InlineData(true, null)]     // temporary agent credentials: never sent (AWS rejects it)
    public async Task GetSigninUrl_StandIn_QueryAndLoginUrl(bool temporary, string? sessionDuration)
    {
        await using var server = new TinyHttpServer(_ => (200, "application/json", "{\"SigninToken\":\"tok+en/==\"}"));
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var federation = Federation(http, new() { ["AWS_ENDPOINT_URL_SIGNIN"] = $"http://127.0.0.1:{server.Port}" });
        var duration = ConsoleSessionDuration.Compute(TimeSpan.FromHours(20), temporary);

        var login = await federation.GetSigninUrlAsync(Session, "https://console.aws.amazon.com/ec2/v2/home?region=us-east-1", "https://aws.ferry.example.com", duration, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.StartsWith("/federation?", request.Target, StringComparison.Ordinal);
        var query = request.Query;
        Assert.Equal("getSigninToken", query["Action"]);
        Assert.Equal(sessionDuration, query.GetValueOrDefault("SessionDuration"));
        using var session = JsonDocument.Parse(query["Session"]);
        Assert.Equal("ASIAEXAMPLE", session.RootElement.GetProperty("sessionId").GetString());
        Assert.Equal("secret/with+special=chars", session.RootElement.GetProperty("sessionKey").GetString());
        Assert.Equal("token/with+special==", session.RootElement.GetProperty("sessionToken").GetString());
        Assert.Equal(3, session.RootElement.EnumerateObject().Count());

        var loginQuery = new TinyRequest("GET", login.PathAndQuery, []).Query;
        Assert.Equal($"http://127.0.0.1:{server.Port}/federation", login.GetLeftPart(UriPartial.Path));
        Assert.Equal("login", loginQuery["Action"]);
        Assert.Equal("tok+en/==", loginQuery["SigninToken"]);
        Assert.Equal("https://console.aws.amazon.com/ec2/v2/home?region=us-east-1", loginQuery["Destination"]);
        Assert.Equal("https://aws.ferry.example.com", loginQuery["Issuer"]);
    }

    [Theory]
    [InlineData(400, "{}")]
    [InlineData(500, "oops")]
    public async Task GetSigninToken_Non200_Error(int status, string body)
    {
        await using var server = new TinyHttpServer(_ => (status, "text/plain", body));
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });

        var e = await Assert.ThrowsAsync<FerryException>(() =>
            Federation(http).GetSigninTokenAsync(new Uri($"http://127.0.0.1:{server.Port}/federation"), Session, null, CancellationToken.None));

        Assert.StartsWith($"non-200 response from AWS federation endpoint: {status}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("{\"SigninToken\":\"\"}")]
    public async Task GetSigninToken_NoToken_Error(string body)
    {
        await using var server = new TinyHttpServer(_ => (200, "application/json", body));
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });

        var e = await Assert.ThrowsAsync<FerryException>(() =>
            Federation(http).GetSigninTokenAsync(new Uri($"http://127.0.0.1:{server.Port}/federation"), Session, null, CancellationToken.None));

        Assert.Contains("without a SigninToken", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildLoginUrl_Partition_UsesItsSigninHost()
    {
        var url = AwsFederation.BuildLoginUrl(new Uri("https://signin.amazonaws.cn/federation"), "t", "https://console.amazonaws.cn/", "https://ferry.example.cn");

        Assert.Equal("https://signin.amazonaws.cn/federation?Action=login&SigninToken=t&Destination=https%3A%2F%2Fconsole.amazonaws.cn%2F&Issuer=https%3A%2F%2Fferry.example.cn", url.AbsoluteUri);
    }
}
