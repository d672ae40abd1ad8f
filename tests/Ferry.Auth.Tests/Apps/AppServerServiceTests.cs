using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;

namespace Ferry.Auth.Tests.Apps;

/// <summary>Heartbeats are checked against the agent's registration: what its token allowed, one definition per app name.</summary>
public sealed class AppServerServiceTests
{
    private const string Uri = "https://console.aws.amazon.com/dynamodbv2/home";

    private static AppServer Heartbeat(string app, string claimedHost = "whatever", string uri = Uri, string? publicAddr = null, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        Metadata = new ResourceMetadata { Name = app },
        Spec = new AppServerSpec
        {
            HostId = claimedHost,
            Hostname = "agent",
            App = new App
            {
                Metadata = new ResourceMetadata { Name = app, Labels = labels ?? new Dictionary<string, string>() },
                Spec = new AppSpec { Uri = uri, PublicAddr = publicAddr ?? app + ".proxy.test", Cloud = "AWS" },
            },
        },
    };

    private static Task<AppServer> BeatAsync(AuthFixture auth, AppServer heartbeat, string host) =>
        auth.Server.AppServers.HeartbeatAsync(heartbeat, host, CancellationToken.None).AsTask();

    [Fact]
    public async Task Heartbeat_Expires_SoADeadAgentsAppsVanish()
    {
        await using var auth = await AuthFixture.StartAsync();
        var first = await auth.JoinAppAgentAsync("aws-dynamodb");
        var second = await auth.JoinAppAgentAsync("aws-dynamodb");
        await BeatAsync(auth, Heartbeat("aws-dynamodb"), first);
        Assert.Single(await auth.Server.AppServers.ListAsync(CancellationToken.None));

        auth.Time.Advance(TimeSpan.FromSeconds(40));
        await BeatAsync(auth, Heartbeat("aws-dynamodb"), second);
        auth.Time.Advance(TimeSpan.FromSeconds(21));

        var left = Assert.Single(await auth.Server.AppServers.ListAsync(CancellationToken.None));
        Assert.Equal(second, left.Spec.HostId);
    }

    [Fact]
    public async Task Heartbeat_StoresTheCallersHostId_WhateverTheBodyClaims()
    {
        await using var auth = await AuthFixture.StartAsync();
        var host = await auth.JoinAppAgentAsync("aws-dynamodb");

        var stored = await BeatAsync(auth, Heartbeat("aws-dynamodb", claimedHost: "someone-else"), host);

        Assert.Equal(host, stored.Spec.HostId);
        Assert.Equal(host, Assert.Single(await auth.Server.AppServers.ListAsync(CancellationToken.None)).Spec.HostId);
    }

    [Fact]
    public async Task Heartbeat_ForAnAppTheTokenDidNotAllow_IsRefusedNamingTheTokenToUse()
    {
        await using var auth = await AuthFixture.StartAsync();
        var rogue = await auth.JoinAppAgentAsync("grafana");

        var error = await Assert.ThrowsAsync<FerryException>(() => BeatAsync(auth, Heartbeat("aws-dynamodb"), rogue));

        Assert.Equal(ErrorKind.AccessDenied, error.Kind);
        Assert.Contains("tctl tokens add --type=app --app-name=aws-dynamodb", error.Message);
        Assert.Empty(await auth.Server.AppServers.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Heartbeat_AllowedByAGlob_IsAccepted()
    {
        await using var auth = await AuthFixture.StartAsync();
        var host = await auth.JoinAppAgentAsync("aws-*");

        await BeatAsync(auth, Heartbeat("aws-dynamodb"), host);
        await BeatAsync(auth, Heartbeat("aws-s3"), host);
        await Assert.ThrowsAsync<FerryException>(() => BeatAsync(auth, Heartbeat("grafana"), host));

        Assert.Equal(2, (await auth.Server.AppServers.ListAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Heartbeat_FromAnUnregisteredHost_IsRefused()
    {
        await using var auth = await AuthFixture.StartAsync();

        var error = await Assert.ThrowsAsync<FerryException>(() => BeatAsync(auth, Heartbeat("aws-dynamodb"), Guid.NewGuid().ToString()));

        Assert.Equal(ErrorKind.AccessDenied, error.Kind);
        Assert.Contains("join again", error.Message);
    }

    [Theory]
    [InlineData("uri", "https://console.aws.amazon.com/s3/home", null)]
    [InlineData("public_addr", Uri, "other.proxy.test")]
    [InlineData("labels", Uri, null)]
    public async Task Heartbeat_WithAnotherDefinitionOfALiveApp_IsRefusedNotMerged(string field, string uri, string? publicAddr)
    {
        await using var auth = await AuthFixture.StartAsync();
        var real = await auth.JoinAppAgentAsync("aws-dynamodb");
        var second = await auth.JoinAppAgentAsync("aws-dynamodb");
        await BeatAsync(auth, Heartbeat("aws-dynamodb"), real);
        var labels = field == "labels" ? new Dictionary<string, string> { ["env"] = "prod" } : null;

        var error = await Assert.ThrowsAsync<FerryException>(() => BeatAsync(auth, Heartbeat("aws-dynamodb", uri: uri, publicAddr: publicAddr, labels: labels), second));

        Assert.Equal(ErrorKind.AlreadyExists, error.Kind);
        Assert.Contains("different definition", error.Message);
        var live = Assert.Single(await auth.Server.AppServers.ListAsync(CancellationToken.None));
        Assert.Equal(real, live.Spec.HostId);
        Assert.Equal(Uri, live.Spec.App.Spec.Uri);
    }

    [Fact]
    public async Task Heartbeat_IdenticalDefinitionFromASecondAgent_IsAccepted_AndARedefinitionWorksOnceTheLastAgentLeaves()
    {
        await using var auth = await AuthFixture.StartAsync();
        var first = await auth.JoinAppAgentAsync("aws-dynamodb");
        var second = await auth.JoinAppAgentAsync("aws-dynamodb");
        await BeatAsync(auth, Heartbeat("aws-dynamodb"), first);
        await BeatAsync(auth, Heartbeat("aws-dynamodb"), second);
        Assert.Equal(2, (await auth.Server.AppServers.ListAsync(CancellationToken.None)).Count);

        await auth.Server.AppServers.RemoveAsync("aws-dynamodb", first, CancellationToken.None);
        await auth.Server.AppServers.RemoveAsync("aws-dynamodb", second, CancellationToken.None);
        var redefined = await BeatAsync(auth, Heartbeat("aws-dynamodb", uri: "https://console.aws.amazon.com/s3/home"), first);

        Assert.Equal("https://console.aws.amazon.com/s3/home", redefined.Spec.App.Spec.Uri);
    }

    [Theory]
    [InlineData("proxy.test")]
    [InlineData("proxy.test:3080")]
    [InlineData("PROXY.test")]
    [InlineData("bank.example.com")]
    [InlineData("a.b.proxy.test")]
    public async Task Heartbeat_WithAPublicAddrOutsideTheProxysHosts_IsRefused(string publicAddr)
    {
        await using var auth = await AuthFixture.StartAsync();
        var host = await auth.JoinAppAgentAsync("aws-dynamodb");

        var error = await Assert.ThrowsAsync<FerryException>(() => BeatAsync(auth, Heartbeat("aws-dynamodb", publicAddr: publicAddr), host));

        Assert.Equal(ErrorKind.AccessDenied, error.Kind);
        Assert.Contains("may not use public_addr", error.Message);
    }

    [Fact]
    public async Task Heartbeat_WithAnAllowListedPublicAddr_IsAccepted_AndAnEmptyOneIsFilledIn()
    {
        await using var auth = await AuthFixture.StartAsync(options => options with { AppPublicAddrs = ["*.apps.example.com"] });
        var host = await auth.JoinAppAgentAsync("aws-dynamodb", "grafana");

        var allowed = await BeatAsync(auth, Heartbeat("grafana", publicAddr: "grafana.apps.example.com"), host);
        var filled = await BeatAsync(auth, Heartbeat("aws-dynamodb", publicAddr: ""), host);

        Assert.Equal("grafana.apps.example.com", allowed.Spec.App.Spec.PublicAddr);
        Assert.Equal("aws-dynamodb.proxy.test", filled.Spec.App.Spec.PublicAddr);
    }

    [Fact]
    public async Task AppSession_ForAnArnTheRolesDoNotAllow_IsDenied_AndForAnAllowedOneBindsTheArn()
    {
        await using var auth = await AuthFixture.StartAsync();
        await BeatAsync(auth, Heartbeat("aws-dynamodb"), await auth.JoinAppAgentAsync("aws-dynamodb"));
        var user = new FerryIdentity
        {
            Kind = IdentityKind.User,
            Username = "alice",
            Roles = ["access"],
            Traits = new Dictionary<string, IReadOnlyList<string>> { ["aws_role_arns"] = ["arn:aws:iam::123456789012:role/Allowed"] },
            Expires = auth.Time.GetUtcNow().AddHours(1),
            ClusterName = "test.cluster",
        };

        var denied = await Assert.ThrowsAsync<FerryException>(() => auth.Server.AppSessions.CreateAsync(
            user, new CreateAppSessionRequest { AppName = "aws-dynamodb", AwsRoleArn = "arn:aws:iam::123456789012:role/Other", PublicKey = AuthFixture.NewKey().PublicKeyPem }, CancellationToken.None).AsTask());
        Assert.Equal(ErrorKind.AccessDenied, denied.Kind);

        var session = await auth.Server.AppSessions.CreateAsync(
            user, new CreateAppSessionRequest { AppName = "aws-dynamodb", AwsRoleArn = "arn:aws:iam::123456789012:role/Allowed", PublicKey = AuthFixture.NewKey().PublicKeyPem }, CancellationToken.None);
        var identity = auth.Identity(session.CertPem);
        Assert.Equal("arn:aws:iam::123456789012:role/Allowed", identity.RouteToApp!.AwsRoleArn);
        Assert.Equal(session.SessionId, identity.RouteToApp.SessionId);
        Assert.Equal(user.Expires, identity.Expires);

        var unknown = await Assert.ThrowsAsync<FerryException>(() => auth.Server.AppSessions.CreateAsync(
            user, new CreateAppSessionRequest { AppName = "nope", AwsRoleArn = "arn:aws:iam::123456789012:role/Allowed", PublicKey = AuthFixture.NewKey().PublicKeyPem }, CancellationToken.None).AsTask());
        Assert.Equal(ErrorKind.NotFound, unknown.Kind);
    }
}
