using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;

namespace Ferry.Auth.Tests.Apps;

public sealed class AppServerServiceTests
{
    private static AppServer Heartbeat(string app, string host, string uri = "https://console.aws.amazon.com/dynamodbv2/home") => new()
    {
        Metadata = new ResourceMetadata { Name = app },
        Spec = new AppServerSpec
        {
            HostId = host,
            Hostname = host,
            App = new App { Metadata = new ResourceMetadata { Name = app }, Spec = new AppSpec { Uri = uri, PublicAddr = app + ".proxy.test", Cloud = "AWS" } },
        },
    };

    [Fact]
    public async Task Heartbeat_Expires_SoADeadAgentsAppsVanish()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.Server.AppServers.HeartbeatAsync(Heartbeat("aws-dynamodb", "host-1"), "host-1", CancellationToken.None);
        Assert.Single(await auth.Server.AppServers.ListAsync(CancellationToken.None));

        auth.Time.Advance(TimeSpan.FromSeconds(40));
        await auth.Server.AppServers.HeartbeatAsync(Heartbeat("aws-dynamodb", "host-2"), "host-2", CancellationToken.None);
        auth.Time.Advance(TimeSpan.FromSeconds(21));

        var left = Assert.Single(await auth.Server.AppServers.ListAsync(CancellationToken.None));
        Assert.Equal("host-2", left.Spec.HostId);
    }

    [Fact]
    public async Task Heartbeat_ForAnotherHost_IsRefused()
    {
        await using var auth = await AuthFixture.StartAsync();

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.Server.AppServers.HeartbeatAsync(Heartbeat("aws-dynamodb", "host-1"), "host-2", CancellationToken.None).AsTask());

        Assert.Equal(ErrorKind.AccessDenied, error.Kind);
    }

    [Fact]
    public async Task AppSession_ForAnArnTheRolesDoNotAllow_IsDenied_AndForAnAllowedOneBindsTheArn()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.Server.AppServers.HeartbeatAsync(Heartbeat("aws-dynamodb", "host-1"), "host-1", CancellationToken.None);
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
        var identity = auth.Server.Verifier.Verify(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(session.CertPem));
        Assert.Equal("arn:aws:iam::123456789012:role/Allowed", identity.RouteToApp!.AwsRoleArn);
        Assert.Equal(session.SessionId, identity.RouteToApp.SessionId);
        Assert.Equal(user.Expires, identity.Expires);

        var unknown = await Assert.ThrowsAsync<FerryException>(() => auth.Server.AppSessions.CreateAsync(
            user, new CreateAppSessionRequest { AppName = "nope", AwsRoleArn = "arn:aws:iam::123456789012:role/Allowed", PublicKey = AuthFixture.NewKey().PublicKeyPem }, CancellationToken.None).AsTask());
        Assert.Equal(ErrorKind.NotFound, unknown.Kind);
    }
}
