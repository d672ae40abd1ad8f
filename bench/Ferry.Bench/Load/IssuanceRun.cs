using System.Diagnostics;
using Ferry.Bench.Setup;
using Ferry.Client.Login;
using Ferry.Client.Profiles;
using Ferry.Core.Api;

namespace Ferry.Bench.Load;

/// <summary>
/// What <c>tsh apps login</c> costs the cluster: app sessions created (an app certificate signed, the session stored,
/// the event audited) per second, by concurrent callers using tsh's own client library and the bench user's profile,
/// against the all-in-one process (auth and proxy together on the machine's shared cores). Process start-up is left
/// out: it is tsh's cost (the CLI lines), not the issuer's.
/// </summary>
internal static class IssuanceRun
{
    public static async Task<IssuanceResult> MeasureAsync(TshUser user, string app, int callers, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        var store = new ProfileStore(user.TeleportHome);
        var profile = store.RequireCurrent();
        using var key = store.LoadKey(profile);
        var request = new CreateAppSessionRequest { AppName = app, AwsRoleArn = AwsSandbox.RoleArn, PublicKey = key.ExportSubjectPublicKeyInfoPem() };
        var clients = Enumerable.Range(0, callers).Select(_ => LoginFlow.AuthClientFor(store, profile)).ToList();
        try
        {
            await RunAsync(clients, request, warmUp, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var (completed, failed) = await RunAsync(clients, request, duration, cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            return new IssuanceResult(callers, completed, failed, completed / seconds);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static async Task<(long Completed, long Failed)> RunAsync(IReadOnlyList<Ferry.Client.Http.AuthClient> clients, CreateAppSessionRequest request, TimeSpan duration, CancellationToken cancellationToken)
    {
        long completed = 0, failed = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(clients.Select(async client =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                try
                {
                    await client.CreateAppSessionAsync(request, cancellationToken);
                    Interlocked.Increment(ref completed);
                }
                catch (Ferry.Core.Errors.FerryException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        return (completed, failed);
    }
}

internal sealed record IssuanceResult(int Callers, long Completed, long Failed, double PerSecond);
