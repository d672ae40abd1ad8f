using System.Text;
using Ferry.Core.Errors;
using Ferry.Storage.Audit;
using Ferry.Storage.Postgres;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Storage.Tests.Postgres;

/// <summary>The audit log's retention: its URI parameter, and the deletion of events older than it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAuditRetentionTests(PostgresCluster cluster) : PostgresTestBase(cluster)
{
    private const string Setting = "teleport.storage.audit_events_uri";
    private static readonly DateTimeOffset Now = new(2030, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FromUri_WithoutRetention_KeepsEventsForAYear()
    {
        Assert.Equal(TimeSpan.FromDays(365), PostgresAuditStoreOptions.FromUri("postgresql://ferry@db/audit", Setting).Retention);
    }

    [Theory]
    [InlineData("90d", 90 * 24 * 60)]
    [InlineData("2160h", 2160 * 60)]
    [InlineData("30m", 30)]
    public void FromUri_RetentionPeriod_IsRead(string text, int minutes)
    {
        var options = PostgresAuditStoreOptions.FromUri($"postgresql://ferry@db/audit?sslmode=require&retention_period={text}", Setting);

        Assert.Equal(TimeSpan.FromMinutes(minutes), options.Retention);
        Assert.DoesNotContain("retention_period", options.Connection.Settings.ConnectionString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0d")]
    [InlineData("-1d")]
    [InlineData("1y")]
    [InlineData("d")]
    [InlineData("")]
    public void FromUri_BadRetentionPeriod_NamesTheSetting(string text)
    {
        var error = Assert.Throws<FerryException>(() => PostgresAuditStoreOptions.FromUri($"postgresql://ferry@db/audit?retention_period={text}", Setting));

        Assert.Equal(ErrorKind.BadParameter, error.Kind);
        Assert.Contains(Setting, error.Message, StringComparison.Ordinal);
        Assert.Contains("retention_period", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_DeletesOnlyEventsOlderThanThePeriod()
    {
        var time = new FakeTimeProvider(Now);
        await using var store = await PostgresAuditStore.OpenAsync(
            PostgresAuditStoreOptions.FromUri(Uri + "&retention_period=30d", Setting), time, logger: null, Ct);
        await store.AppendAsync(
        [
            Record("ancient", Now.AddDays(-400)), Record("old", Now.AddDays(-30).AddTicks(-1)),
            Record("just-inside", Now.AddDays(-30)), Record("new", Now),
        ], Ct);

        Assert.Equal(2, await store.DeleteOldEventsAsync(Ct));

        var left = await store.SearchAsync(new AuditQuery(), Ct);
        Assert.Equal(["new", "just-inside"], left.Records.Select(r => r.Id));
    }

    [Fact]
    public async Task Retention_RunsOnItsTimer()
    {
        var time = new FakeTimeProvider(Now);
        await using var store = await PostgresAuditStore.OpenAsync(
            PostgresAuditStoreOptions.FromUri(Uri, Setting) with { Retention = TimeSpan.FromDays(1) }, time, logger: null, Ct);
        await store.AppendAsync([Record("e1", Now)], Ct);

        time.Advance(TimeSpan.FromDays(2));

        await WaitUntilAsync(async () => (await store.SearchAsync(new AuditQuery(), Ct)).Records.Count == 0, "the hourly sweep removed the old event");
    }

    private static AuditRecord Record(string id, DateTimeOffset time) => new()
    {
        Id = id, Time = time, Type = "user.login", User = "alice", Json = Encoding.UTF8.GetBytes("{}"),
    };
}
