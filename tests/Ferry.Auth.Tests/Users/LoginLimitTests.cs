using System.Globalization;
using System.Text.Json;
using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Storage;

namespace Ferry.Auth.Tests.Users;

/// <summary>
/// Failure counting that parallel attempts cannot outrun, locks that do not say whether a user exists, one bcrypt per
/// checked or refused attempt, and the per-address throttle in front of it all.
/// </summary>
public sealed class LoginLimitTests
{
    private const string WrongPassword = "wrong-password-entirely";
    private const string LockedAtNoon = "too many failed login attempts for this user; try again after 12:30 UTC or ask an administrator to run tctl users reset ";

    [Fact]
    public async Task Login_ThirtyParallelWrongPasswords_CheckAtMostFive_AndLockTheUser()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access"]);
        var checksBefore = auth.PasswordChecks;

        // Each from its own address, so only the per-user count stands in the way.
        var errors = await BurstAsync(30, i => auth.LoginAsync("alice", WrongPassword, remoteAddr: $"10.0.0.{i + 1}"));

        Assert.All(errors, e => Assert.Equal(ErrorKind.AccessDenied, e.Kind));
        Assert.Equal(5, await auth.FailuresAsync("alice", "bad password"));
        Assert.Equal(25, await auth.FailuresAsync("alice", "locked"));
        Assert.Equal(30, auth.PasswordChecks - checksBefore); // the 25 refused ones ran the dummy hash
        Assert.Single(await auth.EventsAsync(EventTypes.UserLocked), e => e.GetField("name") == "alice");
        Assert.True((await auth.Server.Users.GetAsync("alice", CancellationToken.None)).Spec.Status.IsLocked);

        var correct = await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice", remoteAddr: "10.0.1.1"));
        Assert.Equal(LockedAtNoon + "alice", correct.Message);

        var audit = JsonSerializer.Serialize(await auth.EventsAsync(EventTypes.UserLogin));
        Assert.DoesNotContain(WrongPassword, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthFixture.Password, audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_ThirtyParallelWrongOtpCodes_CheckAtMostFive_AndLockTheUser()
    {
        await using var auth = await AuthFixture.StartAsync(SecondFactorMode.Otp);
        var secret = TotpCodes.SecretOf((await auth.AddUserAsync("alice", ["access"])).OtpUri!);
        var now = auth.Time.GetUtcNow();
        var accepted = new[] { -30, 0, 30 }.Select(s => TotpCodes.At(secret, now.AddSeconds(s))).ToHashSet();
        var wrongCode = Enumerable.Range(0, 10).Select(i => (111111 * i).ToString("D6", CultureInfo.InvariantCulture)).First(c => !accepted.Contains(c));

        var errors = await BurstAsync(30, i => auth.LoginAsync("alice", otp: wrongCode, remoteAddr: $"10.0.0.{i + 1}"));

        Assert.All(errors, e => Assert.Equal(ErrorKind.AccessDenied, e.Kind));
        Assert.Equal(5, await auth.FailuresAsync("alice", "bad second factor"));
        Assert.Equal(25, await auth.FailuresAsync("alice", "locked"));
        Assert.Single(await auth.EventsAsync(EventTypes.UserLocked));

        var correct = await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice", otp: TotpCodes.At(secret, now), remoteAddr: "10.0.1.1"));
        Assert.Equal(LockedAtNoon + "alice", correct.Message);
        Assert.DoesNotContain(wrongCode, JsonSerializer.Serialize(await auth.EventsAsync(EventTypes.UserLogin)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_UnknownUserPastTheLimit_AnswersExactlyLikeALockedUser()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access"]);
        var answers = new Dictionary<string, List<string>>();
        foreach (var name in new[] { "alice", "mallory" })
        {
            answers[name] = [];
            for (var i = 0; i < 7; i++)
            {
                var error = await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync(name, WrongPassword, remoteAddr: $"10.{i}.0.1"));
                Assert.Equal(ErrorKind.AccessDenied, error.Kind);
                answers[name].Add(error.Message.Replace(name, "NAME", StringComparison.Ordinal));
            }
        }

        Assert.Equal(answers["alice"], answers["mallory"]);
        Assert.Equal(LockedAtNoon + "NAME", answers["mallory"][^1]);
        Assert.Equal(5, await auth.FailuresAsync("mallory", "unknown user"));
        Assert.Equal(2, await auth.FailuresAsync("mallory", "locked"));

        // The unknown name's count lives apart from every real key, and its lock ends like a user's.
        var (start, end) = KeyRange.Prefix("/login_attempts/");
        Assert.Single(await auth.Server.Backend.GetRangeAsync(start, end, 0, CancellationToken.None), i => i.Key.EndsWith("/lock", StringComparison.Ordinal));
        var (credentialsStart, credentialsEnd) = KeyRange.Prefix("/credentials/mallory");
        Assert.Empty(await auth.Server.Backend.GetRangeAsync(credentialsStart, credentialsEnd, 0, CancellationToken.None));
        auth.Time.Advance(TimeSpan.FromMinutes(31));
        var later = await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("mallory", WrongPassword));
        Assert.StartsWith("invalid user name", later.Message);
    }

    [Theory]
    [InlineData("open user, wrong password", "alice", WrongPassword)]
    [InlineData("open user, right password", "alice", AuthFixture.Password)]
    [InlineData("unknown user", "nobody", WrongPassword)]
    [InlineData("locked user, right password", "lockedout", AuthFixture.Password)]
    [InlineData("unknown user past the limit", "ghost", AuthFixture.Password)]
    public async Task Login_EveryAttemptRunsExactlyOneBcrypt_WhetherCheckedOrRefused(string what, string user, string password)
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access"]);
        await auth.AddUserAsync("lockedout", ["access"]);
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("lockedout", WrongPassword, remoteAddr: $"10.1.0.{i}"));
            await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("ghost", WrongPassword, remoteAddr: $"10.2.0.{i}"));
        }

        var before = auth.PasswordChecks;
        try
        {
            await auth.LoginAsync(user, password, remoteAddr: "10.9.0.1");
        }
        catch (FerryException e) when (e.Kind == ErrorKind.AccessDenied)
        {
        }

        Assert.True(auth.PasswordChecks - before == 1, $"{what}: {auth.PasswordChecks - before} bcrypt checks");
    }

    [Fact]
    public async Task Login_AddressPastItsFailures_IsThrottledWithoutBcrypt_OtherAddressesAreNot()
    {
        await using var auth = await AuthFixture.StartAsync(configure: o => o with { LoginThrottleMaxFailures = 3, LoginThrottleWindow = TimeSpan.FromMinutes(1) });
        await auth.AddUserAsync("alice", ["access"]);
        for (var i = 0; i < 3; i++)
        {
            // Different unknown names: no user lock is involved, only the address.
            await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync($"guess{i}", WrongPassword, remoteAddr: "192.0.2.7"));
        }

        var before = auth.PasswordChecks;
        var throttled = await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice", remoteAddr: "192.0.2.7"));

        Assert.Equal(ErrorKind.LimitExceeded, throttled.Kind);
        Assert.Equal("too many failed login attempts from your address; wait until 12:01:00 UTC (60 s) and try again", throttled.Message);
        Assert.Equal(before, auth.PasswordChecks);
        Assert.Equal(1, await auth.FailuresAsync("alice", "throttled"));
        Assert.Equal("alice", auth.Verify(await auth.LoginAsync("alice", remoteAddr: "192.0.2.8")).Username);

        auth.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("alice", auth.Verify(await auth.LoginAsync("alice", remoteAddr: "192.0.2.7")).Username);
    }

    [Fact]
    public async Task Login_SuccessesFromOneAddress_DoNotCountAgainstIt()
    {
        await using var auth = await AuthFixture.StartAsync(configure: o => o with { LoginThrottleMaxFailures = 3 });
        await auth.AddUserAsync("alice", ["access"]);
        await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice", WrongPassword));
        await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice", WrongPassword));

        for (var i = 0; i < 10; i++)
        {
            // One after another: an attempt holds a slot of its address while it is checked, so many at once could fill it.
            await auth.LoginAsync("alice");
        }

        var third = await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice", WrongPassword));
        Assert.Equal(ErrorKind.AccessDenied, third.Kind);
        Assert.Equal(ErrorKind.LimitExceeded, (await Assert.ThrowsAsync<FerryException>(() => auth.LoginAsync("alice"))).Kind);
    }

    [Fact]
    public async Task Login_MoreParallelRightPasswordsThanSlots_AllSucceed()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access"]);

        // Slots held by attempts being checked make later ones wait for the outcome instead of being refused.
        var logins = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => auth.LoginAsync("alice", remoteAddr: $"10.0.0.{i + 1}"))));

        Assert.All(logins, l => Assert.Equal("alice", l.Username));
        Assert.Null(await auth.Server.Backend.GetAsync("/credentials/alice/attempts", CancellationToken.None));
    }

    [Fact]
    public async Task WebSignIn_GetsTheSameLimits()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.AddUserAsync("alice", ["access"]);
        Task SignIn(string password) => auth.Server.WebSessions.CreateAsync(
            new Core.Api.CreateWebSessionRequest { User = "alice", Password = password, PublicKey = AuthFixture.NewKey().PublicKeyPem },
            "10.0.0.1",
            CancellationToken.None).AsTask();

        await BurstAsync(10, _ => SignIn(WrongPassword));

        Assert.Equal(5, await auth.FailuresAsync("alice", "bad password"));
        var correct = await Assert.ThrowsAsync<FerryException>(() => SignIn(AuthFixture.Password));
        Assert.Equal(LockedAtNoon + "alice", correct.Message);
    }

    /// <summary>Starts <paramref name="count"/> logins together on the thread pool and returns how each failed.</summary>
    private static async Task<FerryException[]> BurstAsync(int count, Func<int, Task> login)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await Assert.ThrowsAsync<FerryException>(() => login(i));
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(attempts);
    }
}
