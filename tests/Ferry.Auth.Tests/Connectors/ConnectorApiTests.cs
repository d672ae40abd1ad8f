using System.Net.Http.Headers;
using Ferry.Auth.Tests.Api;
using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Auth.Tests.Connectors;

/// <summary>What the connector routes send back: secrets only when asked and allowed; a PUT's answer never echoes them.</summary>
public sealed class ConnectorApiTests(AuthRouteFixture fixture) : IClassFixture<AuthRouteFixture>
{
    [Theory]
    [InlineData("github", ConnectorSamples.GithubSecret)]
    [InlineData("oidc", ConnectorSamples.OidcSecret)]
    [InlineData("saml", "PRIVATE KEY")]
    public async Task Get_WithoutWithSecrets_LeavesSecretsOut_WithThemAnEditorSeesThem(string kind, string secret)
    {
        var name = AuthRouteFixture.ConnectorToRead(kind);

        var plain = await BodyAsync(ApiCaller.ConnectorViewer, HttpMethod.Get, $"v1/connectors/{kind}/{name}");
        var listed = await BodyAsync(ApiCaller.ConnectorViewer, HttpMethod.Get, $"v1/connectors/{kind}");
        var withSecrets = await BodyAsync(ApiCaller.Editor, HttpMethod.Get, $"v1/connectors/{kind}/{name}?with_secrets=true");

        Assert.DoesNotContain(secret, plain);
        Assert.DoesNotContain(secret, listed);
        Assert.Contains(name, listed);
        Assert.Contains(secret, withSecrets);
        Assert.Equal(name, ResourceJson.Deserialize<IAuthConnector>(plain).Metadata.Name);
    }

    [Fact]
    public async Task Put_AnswersWithoutTheSecretItStored()
    {
        var connector = ConnectorSamples.Github("answer-check");
        var content = new ByteArrayContent(ResourceJson.SerializeToUtf8Bytes(connector));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var answer = await BodyAsync(ApiCaller.Editor, HttpMethod.Put, "v1/connectors/github", content);

        Assert.Contains("answer-check", answer);
        Assert.DoesNotContain(ConnectorSamples.GithubSecret, answer);
        var stored = Assert.IsType<GithubConnector>(await fixture.Api.Server.Connectors.GetAsync("github", "answer-check", CancellationToken.None));
        Assert.Equal(ConnectorSamples.GithubSecret, stored.Spec.ClientSecret);
    }

    private async Task<string> BodyAsync(ApiCaller caller, HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        var answer = await fixture.SendReadingBodyAsync(caller, request);
        answer.AssertStatus(200);
        return answer.Body;
    }
}
