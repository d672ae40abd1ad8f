using System.Security.Cryptography.X509Certificates;
using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Resources;

namespace Ferry.Auth.Tests.Users;

public sealed class LoginServiceTests
{
    [Fact]
    public async Task Login_CorrectPassword_CertifiesTheClientKeyWithRolesAndDefaultTtl()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access", "editor"]);
        var (key, publicKey) = AuthFixture.NewKey();

        var response = await auth.LoginAsync("alice", publicKey: publicKey);

        using var certificate = X509Certificate2.CreateFromPem(response.CertPem);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        var identity = auth.Verify(response);
        Assert.Equal("alice", identity.Username);
        Assert.Equal(["access", "editor"], identity.Roles);
        Assert.Equal(auth.Time.GetUtcNow() + TimeSpan.FromHours(12), identity.Expires);
        Assert.Single(await auth.EventsAsync(EventTypes.UserLogin), e => e.Success && e.User == "alice");
    }

    [Fact]
    public async Task Login_TtlAboveRoleMaximum_IsCappedByMaxSessionTtl()
    {
        await using var auth = await AuthFixture.StartAsync();
        var shortRole = new Role
        {
            Metadata = new ResourceMetadata { Name = "short" },
            Spec = new RoleSpec { Options = new RoleOptions { MaxSessionTtl = TimeSpan.FromHours(1) } },
        };
        await auth.Server.Roles.CreateAsync(shortRole, force: false, "test", CancellationToken.None);
        await auth.AddUserAsync("bob", ["access", "short"]);

        var identity = auth.Verify(await auth.LoginAsync("bob", ttl: TimeSpan.FromHours(8)));

        Assert.Equal(auth.Time.GetUtcNow() + TimeSpan.FromHours(1), identity.Expires);
    }

    [Theory]
    [InlineData("alice", "wrong-password-entirely")]
    [InlineData("nobody", AuthFixture.Password)]
    public async Task Login_BadCredentials_DeniedWithoutSayingWhichPartWasWrong(string user, string password)
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access"]);

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync(user, password));

        Assert.Equal(ErrorKind.AccessDenied, error.Kind);
        Assert.Equal("invalid user name, password or second factor code; check them and try again", error.Message);
        var failure = Assert.Single(await auth.EventsAsync(EventTypes.UserLogin));
        Assert.False(failure.Success);
        Assert.Equal("T1000W", failure.Code);
        Assert.DoesNotContain(password, failure.Error ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_FiveFailures_LockTheUserEvenForTheRightPassword_UntilTheLockExpires()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access"]);
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice", "wrong-password-entirely"));
        }

        var locked = await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice"));
        Assert.Equal(ErrorKind.AccessDenied, locked.Kind);
        Assert.Equal("too many failed login attempts for this user; try again after 12:30 UTC or ask an administrator to run tctl users reset alice", locked.Message);
        Assert.Single(await auth.EventsAsync(EventTypes.UserLocked));
        Assert.True((await auth.Server.Users.GetAsync("alice", CancellationToken.None)).Spec.Status.IsLocked);

        auth.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal("alice", auth.Verify(await auth.LoginAsync("alice")).Username);
    }

    [Fact]
    public async Task Login_SuccessResetsTheFailureCount()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access"]);
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                var failed = await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice", "wrong-password-entirely"));
                Assert.StartsWith("invalid user name", failed.Message);
            }

            // Eight failures in all by the second round: only a cleared count keeps this from being a lock.
            await auth.LoginAsync("alice");
            Assert.Null(await auth.Server.Backend.GetAsync("/credentials/alice/attempts", CancellationToken.None));
        }

        Assert.Empty(await auth.EventsAsync(EventTypes.UserLocked));
    }

    [Fact]
    public async Task Login_WithOtp_NeedsTheCurrentCodeAndRefusesItsReplay()
    {
        await using var auth = await AuthFixture.StartAsync(SecondFactorMode.Otp);
        var created = await auth.AddUserAsync("alice", ["access"]);
        var secret = TotpCodes.SecretOf(created.OtpUri!);

        await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice", otp: null));
        await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice", otp: "000000"));
        var code = TotpCodes.At(secret, auth.Time.GetUtcNow());
        Assert.Equal("alice", auth.Verify(await auth.LoginAsync("alice", otp: code)).Username);

        var replay = await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice", otp: code));
        Assert.Equal(ErrorKind.AccessDenied, replay.Kind);

        auth.Time.Advance(TimeSpan.FromSeconds(30));
        await auth.LoginAsync("alice", otp: TotpCodes.At(secret, auth.Time.GetUtcNow()));
    }

    [Fact]
    public async Task Login_MalformedPublicKey_IsBadParameterAndChecksNoPassword()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access"]);

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice", "wrong-password-entirely", publicKey: "not a key"));

        Assert.Equal(ErrorKind.BadParameter, error.Kind);
        Assert.Empty(await auth.EventsAsync(EventTypes.UserLogin));
    }
}
