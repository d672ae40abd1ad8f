using System.Text.Json;

namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>The per-request audit events of a user, as `tctl audit ls --format=json` shows them to an auditor.</summary>
internal static class AuditOutcomes
{
    public sealed record Outcome(string Id, string Type, bool Success, int Status, string Error, string? Target);

    public static async Task<IReadOnlyList<Outcome>> ListAsync(TestCluster cluster, string user)
    {
        var result = (await cluster.TctlLocalAsync(["audit", "ls", "--type=app.session.request", "--type=app.session.dynamodb.request", "--user=" + user, "--format=json", "--limit=1000"]))
            .EnsureSuccess("tctl audit ls");
        using var document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.EnumerateArray().Select(e => new Outcome(
            e.GetProperty("uid").GetString()!,
            e.GetProperty("event").GetString()!,
            e.GetProperty("success").GetBoolean(),
            e.TryGetProperty("status_code", out var status) ? status.GetInt32() : 0,
            e.TryGetProperty("error", out var error) ? error.GetString() ?? "" : "",
            e.TryGetProperty("target", out var target) ? target.GetString() : null)).ToList();
    }

    /// <summary>Waits (audit batches travel every 200 ms) until some event matches; returns the matching ones.</summary>
    public static async Task<IReadOnlyList<Outcome>> WaitForAsync(TestCluster cluster, string user, Func<Outcome, bool> match, int atLeast = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var events = await ListAsync(cluster, user);
            var matching = events.Where(match).ToList();
            if (matching.Count >= atLeast)
            {
                return matching;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"fewer than {atLeast} matching audit events for {user}:\n{string.Join("\n", events)}");
            }

            await Task.Delay(200);
        }
    }
}
