using System.Security.Cryptography.X509Certificates;
using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Errors;
using Ferry.Auth.Storage;
using Ferry.Auth.Users;
using Ferry.Core.Api;
using Ferry.Core.Resources;
using Ferry.Storage;

namespace Ferry.Auth.Tests.Hosts;

public sealed class HostServiceTests
{
    [Fact]
    public async Task Join_AssignsAFreshHostIdPerJoin_WithTheAppRoleAndNoServerNames()
    {
        await using var auth = await AuthFixture.StartAsync();
        var token = await auth.Server.Tokens.CreateAsync([SystemRoles.App], null, null, null, ["aws-dynamodb"], "test", CancellationToken.None);

        var first = await auth.Server.Hosts.JoinAsync(AgentJoins.JoinRequest(token.Name, SystemRoles.App, ["proxy.test", "evil.example.com"]), "10.0.0.5", CancellationToken.None);
        var second = await auth.Server.Hosts.JoinAsync(AgentJoins.JoinRequest(token.Name, SystemRoles.App), "10.0.0.6", CancellationToken.None);

        Assert.NotEqual(first.HostId, second.HostId);
        Assert.True(Guid.TryParse(first.HostId, out _));
        var identity = auth.Identity(first.CertPem);
        Assert.True(identity.HasSystemRole(SystemRoles.App));
        Assert.Equal(first.HostId, identity.Username);
        using var certificate = X509Certificate2.CreateFromPem(first.CertPem);
        Assert.Null(certificate.Extensions["2.5.29.17"]); // no subjectAltName: the names the agent asked for are ignored
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value);
        Assert.DoesNotContain("1.3.6.1.5.5.7.3.1", usages); // never usable as a TLS server certificate
        Assert.InRange(certificate.NotAfter.ToUniversalTime() - auth.Time.GetUtcNow().UtcDateTime, TimeSpan.FromDays(2), TimeSpan.FromDays(3.01));
    }

    [Fact]
    public async Task Join_AfterTheTokenExpired_IsRefusedWithTheNextStep()
    {
        await using var auth = await AuthFixture.StartAsync();
        var token = await auth.Server.Tokens.CreateAsync([SystemRoles.App], TimeSpan.FromMinutes(30), null, null, ["aws-dynamodb"], "test", CancellationToken.None);
        auth.Time.Advance(TimeSpan.FromMinutes(31));

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Hosts.JoinAsync(AgentJoins.JoinRequest(token.Name, SystemRoles.App), null, CancellationToken.None).AsTask());

        Assert.Equal(ErrorKind.AccessDenied, error.Kind);
        Assert.Contains("tctl tokens add --type=app", error.Message);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("")]
    public async Task Join_UnknownToken_IsRefused(string value)
    {
        await using var auth = await AuthFixture.StartAsync();

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Hosts.JoinAsync(AgentJoins.JoinRequest(value, SystemRoles.App), null, CancellationToken.None).AsTask());

        Assert.Equal(ErrorKind.AccessDenied, error.Kind);
    }

    [Fact]
    public async Task Join_AsARoleTheTokenDoesNotGrant_IsRefused()
    {
        await using var auth = await AuthFixture.StartAsync();
        var token = await auth.Server.Tokens.CreateAsync([SystemRoles.App], null, null, null, ["aws-dynamodb"], "test", CancellationToken.None);

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Hosts.JoinAsync(AgentJoins.JoinRequest(token.Name, SystemRoles.Proxy), null, CancellationToken.None).AsTask());

        Assert.Contains("does not allow joining as Proxy", error.Message);
    }

    [Fact]
    public async Task ProxyJoin_MayNameOnlyTheProxiesPublicHosts()
    {
        await using var auth = await AuthFixture.StartAsync();
        var token = await auth.Server.Tokens.CreateAsync([SystemRoles.Proxy], null, null, null, null, "test", CancellationToken.None);

        var refused = await Assert.ThrowsAsync<FerryException>(() =>
            auth.Server.Hosts.JoinAsync(AgentJoins.JoinRequest(token.Name, SystemRoles.Proxy, ["proxy.test", "bank.example.com"]), null, CancellationToken.None).AsTask());
        var joined = await auth.Server.Hosts.JoinAsync(AgentJoins.JoinRequest(token.Name, SystemRoles.Proxy, ["proxy.test", "*.proxy.test", "localhost"]), null, CancellationToken.None);

        Assert.Equal(ErrorKind.BadParameter, refused.Kind);
        Assert.Contains("bank.example.com", refused.Message);
        Assert.True(auth.Identity(joined.CertPem).HasSystemRole(SystemRoles.Proxy));
    }

    [Fact]
    public async Task Renew_KeepsTheHostIdAndRole_AndIsRefusedOnceTheRegistrationIsGone()
    {
        await using var auth = await AuthFixture.StartAsync();
        var hostId = await auth.JoinAppAgentAsync("aws-dynamodb");
        var host = new Core.Identity.FerryIdentity { Kind = Core.Identity.IdentityKind.Host, Username = hostId, Roles = [SystemRoles.App], Expires = auth.Time.GetUtcNow().AddDays(1), ClusterName = "test.cluster" };

        var renewed = await auth.Server.Hosts.RenewAsync(host, AuthFixture.NewKey().PublicKeyPem, CancellationToken.None);
        var identity = auth.Identity(renewed.CertPem);
        Assert.Equal(hostId, identity.Username);
        Assert.True(identity.HasSystemRole(SystemRoles.App));

        await auth.Server.Backend.DeleteAsync("/hosts/" + hostId, CancellationToken.None);
        var error = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Hosts.RenewAsync(host, AuthFixture.NewKey().PublicKeyPem, CancellationToken.None).AsTask());
        Assert.Equal(ErrorKind.AccessDenied, error.Kind);
        Assert.Contains("join again", error.Message);

        var asProxy = host with { Roles = [SystemRoles.Proxy] };
        await Assert.ThrowsAsync<FerryException>(() => auth.Server.Hosts.RenewAsync(asProxy, AuthFixture.NewKey().PublicKeyPem, CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task ProxyPublicAddr_AuthApartFromItsProxies_IsWhatALiveProxyAnnounces_AndTheConfiguredOneWins()
    {
        await using var alone = await AuthFixture.StartAsync(options => options with { ProxyPublicAddrs = [] });
        Assert.Null(await alone.Server.Hosts.ProxyPublicAddrAsync(CancellationToken.None));

        foreach (var (id, address) in new[] { ("b-proxy", "ferry-b.example.com:443"), ("a-proxy", "ferry.example.com:443") })
        {
            var heartbeat = new ProxyHeartbeat { HostId = id, PublicAddrs = [address], Expires = alone.Time.GetUtcNow().AddMinutes(1) };
            await alone.Server.Backend.PutAsync(Item.Create(ProxyHeartbeat.Prefix + id, StoredJson.Serialize(heartbeat), heartbeat.Expires), CancellationToken.None);
        }

        Assert.Equal("ferry.example.com:443", await alone.Server.Hosts.ProxyPublicAddrAsync(CancellationToken.None));
        var created = await alone.AddUserAsync("ivy", ["access"], password: null);
        var token = new SignupToken { Token = created.SignupToken!, User = "ivy", Kind = SignupKind.Invite, Expires = alone.Time.GetUtcNow() };
        Assert.StartsWith("https://ferry.example.com:443/web/invite/", UserService.SignupUrl(token, await alone.Server.Hosts.ProxyPublicAddrAsync(CancellationToken.None)));

        await using var beside = await AuthFixture.StartAsync();
        await beside.Server.Backend.PutAsync(Item.Create(ProxyHeartbeat.Prefix + "x", StoredJson.Serialize(new ProxyHeartbeat { HostId = "x", PublicAddrs = ["other.example.com:443"] })), CancellationToken.None);
        Assert.Equal("proxy.test:3080", await beside.Server.Hosts.ProxyPublicAddrAsync(CancellationToken.None));
    }
}
