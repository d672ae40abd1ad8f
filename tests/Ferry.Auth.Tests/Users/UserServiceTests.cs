using Ferry.Auth.Tests.Infrastructure;
using Ferry.Auth.Users;
using Ferry.Core.Errors;
using Ferry.Core.Resources;

namespace Ferry.Auth.Tests.Users;

public sealed class UserServiceTests
{
    [Fact]
    public async Task Create_UnknownRole_FailsNamingItAndWritesNothing()
    {
        await using var auth = await AuthFixture.StartAsync();

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.AddUserAsync("alice", ["access", "no-such-role"]));

        Assert.Equal(ErrorKind.BadParameter, error.Kind);
        Assert.Contains("\"no-such-role\"", error.Message);
        Assert.Contains("access, auditor, editor", error.Message);
        Assert.Null(await auth.Server.Users.FindAsync("alice", CancellationToken.None));
    }

    [Fact]
    public async Task Create_Twice_IsAlreadyExistsAndKeepsTheFirstPassword()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access"]);

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.AddUserAsync("alice", ["editor"], "another-long-password"));

        Assert.Equal(ErrorKind.AlreadyExists, error.Kind);
        await auth.LoginAsync("alice");
    }

    [Fact]
    public async Task Create_ShortPassword_IsRefusedAndCreatesNoUser()
    {
        await using var auth = await AuthFixture.StartAsync();

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.AddUserAsync("alice", ["access"], "short"));

        Assert.Contains("at least 12 characters", error.Message);
        Assert.Null(await auth.Server.Users.FindAsync("alice", CancellationToken.None));
    }

    [Fact]
    public async Task Invite_SetsThePasswordOnce_ThenTheLinkIsGone()
    {
        await using var auth = await AuthFixture.StartAsync();
        var created = await auth.AddUserAsync("alice", ["access"], password: null);
        var token = created.SignupToken!;
        var url = UserService.SignupUrl(
            new SignupToken { Token = token, User = "alice", Kind = SignupKind.Invite, Expires = auth.Time.GetUtcNow() },
            await auth.Server.Hosts.ProxyPublicAddrAsync(CancellationToken.None));
        Assert.Equal($"https://proxy.test:3080/web/invite/{token}", url);
        await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice"));

        await auth.Server.Users.CompleteSignupAsync(token, AuthFixture.Password, null, CancellationToken.None);
        await auth.LoginAsync("alice");

        var reuse = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Users.CompleteSignupAsync(token, "yet-another-password", null, CancellationToken.None).AsTask());
        Assert.Equal(ErrorKind.NotFound, reuse.Kind);
    }

    [Fact]
    public async Task Invite_AfterAnHour_HasExpired()
    {
        await using var auth = await AuthFixture.StartAsync();
        var token = (await auth.AddUserAsync("alice", ["access"], password: null)).SignupToken!;

        auth.Time.Advance(TimeSpan.FromMinutes(61));

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Users.GetSignupAsync(token, CancellationToken.None).AsTask());
        Assert.Contains("invalid or has expired", error.Message);
    }

    [Fact]
    public async Task Invite_WithOtp_RequiresTheEnrolmentCode()
    {
        await using var auth = await AuthFixture.StartAsync(SecondFactorMode.Otp);
        var token = (await auth.AddUserAsync("alice", ["access"], password: null)).SignupToken!;
        var info = await auth.Server.Users.GetSignupAsync(token, CancellationToken.None);
        Assert.True(info.OtpRequired);

        await Assert.ThrowsAsync<FerryException>(() => auth.Server.Users.CompleteSignupAsync(token, AuthFixture.Password, null, CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<FerryException>(() => auth.Server.Users.CompleteSignupAsync(token, AuthFixture.Password, "123456", CancellationToken.None).AsTask());
        await auth.Server.Users.CompleteSignupAsync(token, AuthFixture.Password, TotpCodes.At(info.OtpSecret!, auth.Time.GetUtcNow()), CancellationToken.None);

        auth.Time.Advance(TimeSpan.FromSeconds(30));
        await auth.LoginAsync("alice", otp: TotpCodes.At(info.OtpSecret!, auth.Time.GetUtcNow()));
    }

    [Fact]
    public async Task Put_ChangesRolesButKeepsCredentialsAndHistory()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access"]);
        var before = await auth.Server.Users.GetAsync("alice", CancellationToken.None);

        await auth.Server.Users.PutAsync(before with { Spec = before.Spec with { Roles = ["access", "auditor"], CreatedBy = null } }, force: true, "test", CancellationToken.None);

        var after = await auth.Server.Users.GetAsync("alice", CancellationToken.None);
        Assert.Equal(["access", "auditor"], after.Spec.Roles);
        Assert.Equal(before.Spec.CreatedBy, after.Spec.CreatedBy);
        Assert.Equal(["access", "auditor"], auth.Verify(await auth.LoginAsync("alice")).Roles);
    }

    [Fact]
    public async Task Reset_ClearsThePasswordAndGivesANewLink()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access"]);

        var reset = await auth.Server.Users.ResetAsync("alice", "test", CancellationToken.None);

        await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice"));
        await auth.Server.Users.CompleteSignupAsync(reset.Token, "a-brand-new-password", null, CancellationToken.None);
        await auth.LoginAsync("alice", "a-brand-new-password");
    }

    [Fact]
    public async Task DeleteRole_AssignedToAUser_IsRefused()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access", "auditor"]);

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Roles.DeleteAsync("auditor", "test", CancellationToken.None).AsTask());

        Assert.Contains("assigned to alice", error.Message);
        Assert.NotNull(await auth.Server.Roles.GetAsync("auditor", CancellationToken.None));
    }
}
