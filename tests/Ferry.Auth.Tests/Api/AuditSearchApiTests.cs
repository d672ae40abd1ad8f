using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Api;
using Ferry.Core.Resources;

namespace Ferry.Auth.Tests.Api;

/// <summary>
/// GET /v1/events filtered by AWS service and operation over real mTLS: the filters run in auth's search, so a limit
/// counts matching events and the cursor pages only through them; a bad filter is a 400 that says what to fix.
/// (Who may call the route at all is <see cref="AuthRouteTable"/>'s business, filtered requests included.)
/// </summary>
public sealed class AuditSearchApiTests(AuthRouteFixture fixture) : IClassFixture<AuthRouteFixture>
{
    [Fact]
    public async Task ServiceAndOperation_LimitCountsOnlyMatches_AndTheCursorPagesThroughThemAll()
    {
        // 7 S3 PutObjects among 20 other requests of the same user, interleaved, the newest being something else.
        var events = new List<string>();
        for (var i = 0; i < 27; i++)
        {
            events.Add(i % 4 == 1 // 1, 5, ..., 25
                ? Request("paula", "s3", "PutObject", $"key-{i}")
                : (i % 3) switch
                {
                    0 => Request("paula", "s3", "GetObject", $"key-{i}"),
                    1 => Request("paula", "dynamodb", "PutItem", null),
                    _ => Request("paula", "sqs", "PutObject", null), // the operation alone is not enough
                });
        }

        events.Add(Request("paula", "s3", "ListObjectsV2", null));
        await ReportAsync(events);

        var first = await SearchAsync("v1/events?user=paula&service=S3&operation=PutObject&limit=5");
        Assert.Equal(5, first.Events.Count);
        Assert.NotNull(first.NextCursor);
        var rest = await SearchAsync($"v1/events?user=paula&service=S3&operation=PutObject&limit=5&cursor={Uri.EscapeDataString(first.NextCursor)}");
        Assert.Equal(2, rest.Events.Count);
        Assert.Null(rest.NextCursor);
        var all = first.Events.Concat(rest.Events).ToList();
        Assert.All(all, e => Assert.Equal(("s3", "PutObject"), (e.GetField("aws_service"), e.GetField("aws_operation"))));
        Assert.Equal(7, all.Select(e => e.GetField("s3_key")).Distinct().Count());
        Assert.Equal(all.Select(e => e.Time).OrderDescending(), all.Select(e => e.Time));

        // Repeated like type: any of the values.
        var either = await SearchAsync("v1/events?user=paula&service=dynamodb&service=sqs&limit=1000");
        Assert.Equal(events.Count(e => e.Contains("\"dynamodb\"", StringComparison.Ordinal) || e.Contains("\"sqs\"", StringComparison.Ordinal)), either.Events.Count);
        Assert.Equal(["dynamodb", "sqs"], either.Events.Select(e => e.GetField("aws_service")).Distinct().Order());

        // An operation matches exactly, case included.
        Assert.Empty((await SearchAsync("v1/events?user=paula&operation=putobject")).Events);
    }

    [Theory]
    [InlineData("service=", "the service parameter is empty")]
    [InlineData("service=%20", "the service parameter is empty")]
    [InlineData("operation=", "the operation parameter is empty")]
    [InlineData("service=s3%2Fobjects", "the service parameter \"s3/objects\" is not an AWS service name")]
    [InlineData("service=-s3", "is not an AWS service name")]
    [InlineData("operation=Put%20Object", "the operation parameter \"Put Object\" is not an AWS operation name")]
    [InlineData("operation=DynamoDB_20120810.GetItem", "is not an AWS operation name")]
    [InlineData("service=s3&operation=PutObject&operation=%27%20OR%201%3D1", "is not an AWS operation name")]
    public async Task BadFilter_Is400_SayingWhatIsWrongAndHowToFixIt(string query, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/events?" + query);

        var answer = await fixture.SendReadingBodyAsync(ApiCaller.Editor, request);

        answer.AssertStatus(400);
        var error = JsonDocument.Parse(answer.Body).RootElement.GetProperty("error");
        Assert.Equal("bad_parameter", error.GetProperty("kind").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Contains("such as", message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", answer.Body, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task TooManyServices_Is400_NamingTheBound()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/events?" + string.Join('&', Enumerable.Range(0, 65).Select(i => $"service=svc{i}")));

        var answer = await fixture.SendReadingBodyAsync(ApiCaller.Editor, request);

        answer.AssertStatus(400);
        Assert.Contains("at most 64", answer.Body, StringComparison.Ordinal);
    }

    private static string Request(string user, string service, string operation, string? key) => new JsonObject
    {
        ["event"] = "app.session.request", ["user"] = user, ["success"] = true, ["aws_service"] = service, ["aws_region"] = "us-east-1",
        ["aws_operation"] = operation, ["s3_bucket"] = service == "s3" ? "ferry-bucket" : null, ["s3_key"] = key,
    }.ToJsonString();

    /// <summary>Reports the events as the app agent does, one batch each, so each gets its own (later) time.</summary>
    private async Task ReportAsync(IEnumerable<string> events)
    {
        foreach (var json in events)
        {
            await fixture.Api.Server.Audit.EmitReportedAsync(new JsonArray(JsonNode.Parse(json)), "agent-1", [SystemRoles.App], CancellationToken.None);
            fixture.Api.Auth.Time.Advance(TimeSpan.FromMilliseconds(1));
        }
    }

    private async Task<AuditEventsResponse> SearchAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await fixture.GetJsonAsync<AuditEventsResponse>(ApiCaller.Editor, request);
    }
}
