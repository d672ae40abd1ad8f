using System.Text.Json.Nodes;
using Ferry.Auth.Audit;
using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Errors;

namespace Ferry.Auth.Tests.Audit;

public sealed class AuditLogTests
{
    [Fact]
    public async Task ReportedEvents_AreStampedWithTheReporter_AndARetriedBatchDoesNotDuplicate()
    {
        await using var auth = await AuthFixture.StartAsync();
        var batch = JsonNode.Parse("""
            [{"event":"app.session.dynamodb.request","time":"2026-11-25T12:00:00Z","uid":"e1","user":"alice","success":true,"target":"DynamoDB_20120810.GetItem","status_code":200},
             {"event":"app.session.request","time":"2026-11-25T12:00:01Z","uid":"e2","user":"alice","success":false,"status_code":403}]
            """)!.AsArray();

        await auth.Server.Audit.EmitReportedAsync((JsonArray)batch.DeepClone(), "agent-1", CancellationToken.None);
        await auth.Server.Audit.EmitReportedAsync((JsonArray)batch.DeepClone(), "agent-1", CancellationToken.None);

        var events = await auth.Server.Audit.SearchAsync(new AuditQuery { User = "alice" }, CancellationToken.None);
        Assert.Equal(2, events.Count);
        var dynamo = Assert.Single(events, e => e.Type == "app.session.dynamodb.request");
        Assert.Equal("agent-1", dynamo.GetField("server_id"));
        Assert.Equal("T2013I", dynamo.Code);
        Assert.Equal("test.cluster", dynamo.ClusterName);
        Assert.Equal("DynamoDB_20120810.GetItem", dynamo.GetField("target"));
        Assert.Equal("T2009W", Assert.Single(events, e => e.Type == "app.session.request").Code);
    }

    [Theory]
    [InlineData("""[{"time":"2026-11-25T12:00:00Z"}]""")]
    [InlineData("""[{"event":"app.session.request","time":"yesterday"}]""")]
    [InlineData("""[42]""")]
    public async Task MalformedReportedEvents_AreRefusedAndNothingIsStored(string json)
    {
        await using var auth = await AuthFixture.StartAsync();
        var good = """{"event":"app.session.request","time":"2026-11-25T12:00:00Z","uid":"ok","user":"bob"}""";
        var batch = JsonNode.Parse("[" + good + "," + json[1..^1] + "]")!.AsArray();

        await Assert.ThrowsAsync<FerryException>(() => auth.Server.Audit.EmitReportedAsync(batch, "agent-1", CancellationToken.None).AsTask());

        Assert.Empty(await auth.Server.Audit.SearchAsync(new AuditQuery { User = "bob" }, CancellationToken.None));
    }
}
