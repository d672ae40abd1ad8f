using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Resources;

namespace Ferry.Auth.Tests.Tokens;

public sealed class JoinServiceTests
{
    [Fact]
    public async Task Join_WithAnAppToken_GivesAHostCertificateWithTheAppRole()
    {
        await using var auth = await AuthFixture.StartAsync();
        var token = await auth.Server.Tokens.CreateAsync([SystemRoles.App], null, null, null, "test", CancellationToken.None);

        var response = await auth.Server.Join.JoinAsync(Request(token.Name, SystemRoles.App), "10.0.0.5", CancellationToken.None);

        var identity = auth.Server.Verifier.Verify(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(response.CertPem));
        Assert.True(identity.HasSystemRole(SystemRoles.App));
        Assert.Equal("host-1", identity.Username);
        Assert.Equal("test.cluster", response.ClusterName);
    }

    [Fact]
    public async Task Join_AfterTheTokenExpired_IsRefusedWithTheNextStep()
    {
        await using var auth = await AuthFixture.StartAsync();
        var token = await auth.Server.Tokens.CreateAsync([SystemRoles.App], TimeSpan.FromMinutes(30), null, null, "test", CancellationToken.None);
        auth.Time.Advance(TimeSpan.FromMinutes(31));

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Join.JoinAsync(Request(token.Name, SystemRoles.App), null, CancellationToken.None).AsTask());

        Assert.Equal(ErrorKind.AccessDenied, error.Kind);
        Assert.Contains("tctl tokens add --type=app", error.Message);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", SystemRoles.App)]
    [InlineData("", SystemRoles.App)]
    public async Task Join_UnknownToken_IsRefused(string value, string role)
    {
        await using var auth = await AuthFixture.StartAsync();

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Join.JoinAsync(Request(value, role), null, CancellationToken.None).AsTask());

        Assert.Equal(ErrorKind.AccessDenied, error.Kind);
    }

    [Fact]
    public async Task Join_AsARoleTheTokenDoesNotGrant_IsRefused()
    {
        await using var auth = await AuthFixture.StartAsync();
        var token = await auth.Server.Tokens.CreateAsync([SystemRoles.App], null, null, null, "test", CancellationToken.None);

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Join.JoinAsync(Request(token.Name, SystemRoles.Proxy), null, CancellationToken.None).AsTask());

        Assert.Contains("does not allow joining as Proxy", error.Message);
    }

    private static JoinRequest Request(string token, string role) => new()
    {
        Token = token,
        Role = role,
        HostId = "host-1",
        NodeName = "agent",
        PublicKey = AuthFixture.NewKey().PublicKeyPem,
    };
}
