using System.Text;
using System.Text.Json.Nodes;
using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Storage.Audit;

namespace Ferry.Auth.Tests.Audit;

public sealed class AuditLogTests
{
    private static readonly string[] App = [SystemRoles.App];
    private static readonly string[] Proxy = [SystemRoles.Proxy];

    [Fact]
    public async Task ReportedEvents_GetAuthsTimeIdServerAndCluster_AndAForgedTimeSurvivesOnlyAsReportedTime()
    {
        await using var auth = await AuthFixture.StartAsync();
        var batch = Batch("""
            {"event":"app.session.dynamodb.request","time":"2020-01-01T00:00:00Z","uid":"forged-uid","user":"alice","success":true,
             "server_id":"someone-else","cluster_name":"other.cluster","code":"T0000I","target":"DynamoDB_20120810.GetItem","status_code":200}
            """);

        await auth.Server.Audit.EmitReportedAsync(batch, "agent-1", App, CancellationToken.None);

        var stored = Assert.Single((await auth.Server.Audit.SearchAsync(new AuditQuery { User = "alice" }, CancellationToken.None)).Events);
        Assert.Equal(auth.Time.GetUtcNow(), stored.Time);
        Assert.NotEqual("forged-uid", stored.Id);
        Assert.True(Guid.TryParse(stored.Id, out _), stored.Id);
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse(stored.GetField("reported_time")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("agent-1", stored.GetField("server_id"));
        Assert.Equal("test.cluster", stored.ClusterName);
        Assert.Equal("T2013I", stored.Code);
        Assert.Equal("DynamoDB_20120810.GetItem", stored.GetField("target"));

        // The index follows auth's time too: the forged time does not put the event in 2020.
        Assert.Empty((await auth.Server.Audit.SearchAsync(new AuditQuery { To = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero) }, CancellationToken.None)).Events);
        var record = Assert.Single((await auth.AuditStore.SearchAsync(new AuditQuery { User = "alice" }, CancellationToken.None)).Records);
        Assert.Equal((auth.Time.GetUtcNow(), stored.Id, "app.session.dynamodb.request", true), (record.Time, record.Id, record.Type, record.Success));
    }

    [Fact]
    public async Task ReportedEvents_ServiceAndOperation_AreSearchableColumns_ServiceLowercase_TheEventAsReported()
    {
        await using var auth = await AuthFixture.StartAsync();
        var longOperation = new string('A', AwsAuditFilters.MaxOperationLength + 1);
        var batch = Batch(
            """{"event":"app.session.request","user":"sam","aws_service":"S3","aws_operation":"PutObject","s3_bucket":"b","s3_key":"k"}""",
            """{"event":"app.session.request","user":"sam","aws_service":7,"aws_operation":["GetItem"]}""",
            $$"""{"event":"app.session.request","user":"sam","aws_service":"sqs","aws_operation":"{{longOperation}}"}""");

        await auth.Server.Audit.EmitReportedAsync(batch, "agent-1", App, CancellationToken.None);

        var records = (await auth.AuditStore.SearchAsync(new AuditQuery { User = "sam", Order = AuditOrder.Ascending }, CancellationToken.None)).Records
            .ToList();
        var found = Assert.Single((await auth.Server.Audit.SearchAsync(new AuditQuery { Services = ["s3"], Operations = ["PutObject"] }, CancellationToken.None)).Events);
        Assert.Equal(("S3", "b", "k"), (found.GetField("aws_service"), found.GetField("s3_bucket"), found.GetField("s3_key"))); // the event itself as reported
        Assert.Equal(("s3", "PutObject"), (records.Single(r => r.Id == found.Id).Service, records.Single(r => r.Id == found.Id).Operation));
        var odd = records.Where(r => r.Id != found.Id).ToList();
        Assert.Contains(odd, r => (r.Service, r.Operation) == (null, null)); // not strings: not columns
        var tooLong = Assert.Single(odd, r => r.Service == "sqs");
        Assert.Null(tooLong.Operation); // longer than any filter may be: not searchable by operation, still recorded
        Assert.Contains(longOperation, Encoding.UTF8.GetString(tooLong.Json.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportedEvents_ReusingAnId_CannotReplaceOrHideAnotherEvent()
    {
        await using var auth = await AuthFixture.StartAsync();
        const string json = """{"event":"app.session.request","time":"2026-11-25T12:00:00Z","uid":"e1","user":"alice","success":false,"status_code":403}""";

        await auth.Server.Audit.EmitReportedAsync(Batch(json), "agent-1", App, CancellationToken.None);
        await auth.Server.Audit.EmitReportedAsync(Batch(json.Replace("403", "200", StringComparison.Ordinal)), "agent-2", App, CancellationToken.None);

        var events = (await auth.Server.Audit.SearchAsync(new AuditQuery { User = "alice" }, CancellationToken.None)).Events;
        Assert.Equal(2, events.Count);
        Assert.Equal(2, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(["agent-1", "agent-2"], events.Select(e => e.GetField("server_id")).Order());
        Assert.Equal("T2009W", Assert.Single(events, e => e.GetField("server_id") == "agent-1").Code);
    }

    [Theory]
    [InlineData("""{"event":"app.session.request","time":"yesterday","user":"bob","reported_time":"2020-01-01T00:00:00Z"}""")]
    [InlineData("""{"event":"app.session.request","user":"bob","reported_time":"2020-01-01T00:00:00Z"}""")]
    [InlineData("""{"event":"app.session.request","time":12,"user":"bob"}""")]
    public async Task ReportedEvents_WithoutAParsableTime_AreStoredWithoutAReportedTime(string json)
    {
        await using var auth = await AuthFixture.StartAsync();

        await auth.Server.Audit.EmitReportedAsync(Batch(json), "agent-1", App, CancellationToken.None);

        var stored = Assert.Single((await auth.Server.Audit.SearchAsync(new AuditQuery { User = "bob" }, CancellationToken.None)).Events);
        Assert.Null(stored.GetField("reported_time"));
        Assert.Equal(auth.Time.GetUtcNow(), stored.Time);
    }

    [Theory]
    [InlineData(SystemRoles.App, EventTypes.AppSessionRequest)]
    [InlineData(SystemRoles.App, EventTypes.AppSessionDynamoDbRequest)]
    [InlineData(SystemRoles.Proxy, EventTypes.AppSessionRequest)]
    [InlineData(SystemRoles.Proxy, EventTypes.AppSessionDynamoDbRequest)]
    public async Task ReportedEvents_OfTheTypesTheReportersRoleEmits_AreStored(string role, string type)
    {
        await using var auth = await AuthFixture.StartAsync();

        await auth.Server.Audit.EmitReportedAsync(Batch($$"""{"event":"{{type}}","user":"carol","success":false}"""), "host-1", [role], CancellationToken.None);

        Assert.Equal(type, Assert.Single(await auth.EventsAsync(type)).Type);
    }

    [Theory]
    [InlineData(SystemRoles.App, EventTypes.UserLogin)]
    [InlineData(SystemRoles.App, EventTypes.RoleCreate)]
    [InlineData(SystemRoles.App, EventTypes.AuthAttemptFailure)]
    [InlineData(SystemRoles.Proxy, EventTypes.UserLogin)]
    [InlineData(SystemRoles.Proxy, EventTypes.UserLocked)]
    public async Task ReportedBatch_WithATypeTheReportersRoleMayNotEmit_IsRefusedWholeNamingTypeAndRole(string role, string type)
    {
        await using var auth = await AuthFixture.StartAsync();
        var allowed = EventTypes.AppSessionRequest;
        var batch = Batch(
            $$"""{"event":"{{allowed}}","user":"mallory"}""",
            $$"""{"event":"{{type}}","user":"mallory","success":true}""");

        var refused = await AssertRefusedAsync(auth, ErrorKind.AccessDenied, batch, "host-1", [role]);

        Assert.Contains(type, refused.Message, StringComparison.Ordinal);
        Assert.Contains(role, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportedEvents_FromAnIdentityWithoutAReportingRole_AreRefused()
    {
        await using var auth = await AuthFixture.StartAsync();

        await AssertRefusedAsync(auth, ErrorKind.AccessDenied, Batch("""{"event":"app.session.request"}"""), "host-1", [SystemRoles.Admin]);
    }

    [Theory]
    [InlineData("""{"time":"2026-11-25T12:00:00Z","user":"bob"}""")]
    [InlineData("""{"event":"","user":"bob"}""")]
    [InlineData("""{"event":7,"user":"bob"}""")]
    [InlineData("""{"event":"app.session.request","user":5}""")]
    [InlineData("""{"event":"app.session.request","user":"bob","success":"yes"}""")]
    [InlineData("""{"event":"app.session.request","user":"bob","error":{"a":1}}""")]
    [InlineData("""42""")]
    [InlineData("""null""")]
    public async Task MalformedReportedEvents_AreRefusedAndNothingIsStored(string json)
    {
        await using var auth = await AuthFixture.StartAsync();
        var batch = Batch("""{"event":"app.session.request","user":"bob"}""", json);

        await AssertRefusedAsync(auth, ErrorKind.BadParameter, batch, "agent-1", App);
    }

    [Fact]
    public async Task ReportedBatch_OverTheBatchCap_IsRefusedWithLimitExceeded()
    {
        await using var auth = await AuthFixture.StartAsync();
        var batch = new JsonArray(Enumerable.Range(0, Ferry.Auth.Audit.AuditLog.MaxReportedBatch + 1)
            .Select(_ => (JsonNode?)JsonNode.Parse("""{"event":"app.session.request"}""")).ToArray());

        await AssertRefusedAsync(auth, ErrorKind.LimitExceeded, batch, "agent-1", App);
    }

    [Fact]
    public async Task ReportedEvent_OverTheSizeCap_IsRefusedWithLimitExceededAndNothingIsStored()
    {
        await using var auth = await AuthFixture.StartAsync();
        var huge = new string('x', Ferry.Auth.Audit.AuditLog.MaxReportedEventBytes);
        var batch = Batch("""{"event":"app.session.request","user":"bob"}""", $$"""{"event":"app.session.request","path":"{{huge}}"}""");

        await AssertRefusedAsync(auth, ErrorKind.LimitExceeded, batch, "agent-1", App);
    }

    [Fact]
    public async Task OwnEvents_KeepTheirTimeAndId_AndAreStoredWithTheirColumns()
    {
        await using var auth = await AuthFixture.StartAsync();
        var own = auth.Server.Audit.NewEvent(EventTypes.UserLogin, "dave", success: false, error: "bad password");
        auth.Time.Advance(TimeSpan.FromMinutes(5));

        await auth.Server.Audit.EmitAsync(own, CancellationToken.None);

        var stored = Assert.Single(await auth.EventsAsync(EventTypes.UserLogin));
        Assert.Equal((own.Id, own.Time, "T1000W", "test.cluster", "bad password"), (stored.Id, stored.Time, stored.Code, stored.ClusterName, stored.Error));
        var record = Assert.Single((await auth.AuditStore.SearchAsync(new AuditQuery { User = "dave" }, CancellationToken.None)).Records);
        Assert.Equal((own.Time, own.Id, EventTypes.UserLogin, false), (record.Time, record.Id, record.Type, record.Success));
        Assert.Contains("\"error\":\"bad password\"", Encoding.UTF8.GetString(record.Json.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_PagesWithTheCursor_NewestFirst()
    {
        await using var auth = await AuthFixture.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await auth.Server.Audit.EmitAsync(auth.Server.Audit.NewEvent(EventTypes.UserCreate, "user" + i), CancellationToken.None);
            auth.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var users = new List<string?>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await auth.Server.Audit.SearchAsync(new AuditQuery { Limit = 2, Cursor = cursor }, CancellationToken.None);
            users.AddRange(page.Events.Select(e => e.User));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(["user4", "user3", "user2", "user1", "user0"], users);
    }

    /// <summary>The batch is refused with <paramref name="kind"/>, and nothing at all is stored.</summary>
    private static async Task<FerryException> AssertRefusedAsync(AuthFixture auth, ErrorKind kind, JsonArray batch, string serverId, IReadOnlyCollection<string> roles)
    {
        var refused = await Assert.ThrowsAsync<FerryException>(
            () => auth.Server.Audit.EmitReportedAsync(batch, serverId, roles, CancellationToken.None).AsTask());
        Assert.Equal(kind, refused.Kind);
        Assert.Empty((await auth.AuditStore.SearchAsync(new AuditQuery(), CancellationToken.None)).Records);
        return refused;
    }

    private static JsonArray Batch(params string[] events) => JsonNode.Parse("[" + string.Join(",", events) + "]")!.AsArray();
}
