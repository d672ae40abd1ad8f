using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Cluster;

/// <summary>
/// A burst of parallel wrong passwords against the proxy's public login API cannot out-race the failure count: the
/// audit log shows at most five checked guesses and the user ends up locked. Its own cluster, so the burst's failures
/// from 127.0.0.1 do not throttle other tests' logins.
/// </summary>
public sealed class LoginBurstTests : IClassFixture<ClusterFixture>
{
    private const string Password = "correct-horse-battery-staple";
    private readonly TestCluster _cluster;

    public LoginBurstTests(ClusterFixture fixture)
    {
        _cluster = fixture.Cluster;
    }

    [Fact]
    public async Task ThirtyParallelWrongLogins_ThroughTheProxy_CheckAtMostFiveGuesses_AndLockTheUser()
    {
        await _cluster.AddUserAsync("olga", "access", Password);
        using var http = TestCluster.InsecureHttp();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKey = key.ExportSubjectPublicKeyInfoPem();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            await start.Task;
            using var response = await http.PostAsJsonAsync(
                $"https://{_cluster.ProxyAddress}/v1/webapi/login",
                new { user = "olga", password = $"not-the-password-{i}", public_key = publicKey });
            return response.StatusCode;
        })).ToList();
        start.SetResult();
        var statuses = await Task.WhenAll(attempts);

        // Refused as wrong or locked (403), or throttled for the address (429); never a certificate.
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Forbidden, HttpStatusCode.TooManyRequests }));
        var audit = (await _cluster.TctlLocalAsync(["audit", "ls", "--since=10m", "--type=user.login", "--user=olga", "--format=json"])).EnsureSuccess("audit ls");
        using (var events = JsonDocument.Parse(audit.Stdout))
        {
            var errors = events.RootElement.EnumerateArray().Select(e => e.GetProperty("error").GetString()).ToList();
            Assert.Equal(30, errors.Count);
            Assert.InRange(errors.Count(e => e == "bad password"), 1, 5);
            // Refusals that checked nothing (LoginService): locked, throttled, or busy (another attempt for the name
            // was being checked at that moment). Only "bad password" is a guess, and those are counted above.
            Assert.All(errors, e => Assert.Contains(e, new[] { "bad password", "locked", "throttled", "busy" }));
            Assert.DoesNotContain("not-the-password", audit.Stdout, StringComparison.Ordinal);
        }

        var user = (await _cluster.TctlLocalAsync(["get", "users/olga", "--format=json"])).EnsureSuccess("get users/olga");
        using (var json = JsonDocument.Parse(user.Stdout))
        {
            var resource = json.RootElement.ValueKind == JsonValueKind.Array ? json.RootElement[0] : json.RootElement;
            Assert.True(resource.GetProperty("spec").GetProperty("status").GetProperty("is_locked").GetBoolean(), user.Stdout);
        }

        var correct = await _cluster.LoginAsync("olga", Password);
        Assert.NotEqual(0, correct.ExitCode);
        Assert.DoesNotContain("not-the-password", _cluster.Process!.Output, StringComparison.Ordinal);
    }
}
