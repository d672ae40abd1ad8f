using System.Text;
using Ferry.Core.Errors;
using Ferry.Storage.Audit;

namespace Ferry.Storage.Tests.Compliance;

/// <summary>
/// The contract of <see cref="IAuditStore"/>, written once. Every audit store gets a test class that inherits this one
/// and says how to open a fresh, empty store; the facts here then run against it through the interface only.
///
/// Files by area: this one (setup, helpers, append, filters, bounds), .Paging (cursor, order, concurrent appends).
/// </summary>
public abstract partial class AuditStoreComplianceTests : StoreComplianceTests<IAuditStore>
{
    protected IAuditStore Store => Opened;

    /// <summary>Opens a new, empty store.</summary>
    protected abstract Task<IAuditStore> CreateStoreAsync(TimeProvider time);

    protected sealed override Task<IAuditStore> OpenStoreAsync(TimeProvider time) => CreateStoreAsync(time);

    [Fact]
    public async Task Search_Empty_ReturnsNothingAndNoCursor()
    {
        var page = await Store.SearchAsync(new AuditQuery(), Ct);

        Assert.Empty(page.Records);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task Append_ThenSearch_ReturnsEveryColumnAndTheBodyAsStored()
    {
        var time = T0.AddTicks(1234567); // sub-millisecond: stored with full precision
        var record = Record("e1", time, "user.login", "alice", success: false, json: """{"event":"user.login","x":"ü"}""");

        await Store.AppendAsync([record], Ct);

        var stored = Assert.Single((await Store.SearchAsync(new AuditQuery(), Ct)).Records);
        Assert.Equal(time, stored.Time);
        Assert.Equal(TimeSpan.Zero, stored.Time.Offset);
        Assert.Equal(("e1", "user.login", "alice", false), (stored.Id, stored.Type, stored.User, stored.Success));
        Assert.Equal(record.Json.ToArray(), stored.Json.ToArray());
    }

    [Fact]
    public async Task Append_NullUser_RoundTrips()
    {
        await Store.AppendAsync([Record("e1", T0, "instance.join", user: null)], Ct);

        Assert.Null(Assert.Single((await Store.SearchAsync(new AuditQuery(), Ct)).Records).User);
    }

    [Fact]
    public async Task Append_EmptyBatch_StoresNothing()
    {
        await Store.AppendAsync([], Ct);

        Assert.Empty((await Store.SearchAsync(new AuditQuery(), Ct)).Records);
    }

    [Fact]
    public async Task Append_BatchWithAnExistingEvent_FailsWithAlreadyExistsAndStoresNoneOfIt()
    {
        await Store.AppendAsync([Record("e1", T0)], Ct);

        await AssertFailsAsync(ErrorKind.AlreadyExists,
            async () => await Store.AppendAsync([Record("e2", T0), Record("e1", T0), Record("e3", T0)], Ct));

        Assert.Equal(["e1"], await IdsAsync(new AuditQuery()));
    }

    [Fact]
    public async Task Append_BatchRepeatingAnEvent_FailsWithAlreadyExistsAndStoresNoneOfIt()
    {
        await AssertFailsAsync(ErrorKind.AlreadyExists,
            async () => await Store.AppendAsync([Record("e1", T0), Record("e2", T0), Record("e1", T0)], Ct));

        Assert.Empty(await IdsAsync(new AuditQuery()));
    }

    [Fact]
    public async Task Append_SameIdAtAnotherTime_IsAnotherEvent()
    {
        await Store.AppendAsync([Record("e1", T0), Record("e1", T0.AddSeconds(1))], Ct);

        Assert.Equal(2, (await Store.SearchAsync(new AuditQuery(), Ct)).Records.Count);
    }

    [Theory]
    [InlineData("", "user.login", "{}")]
    [InlineData("e1", "", "{}")]
    [InlineData("e1", "user.login", "")]
    public async Task Append_IncompleteRecord_ThrowsBadParameterAndStoresNothing(string id, string type, string json)
    {
        await AssertFailsAsync(ErrorKind.BadParameter,
            async () => await Store.AppendAsync([Record("ok", T0), Record(id, T0, type, json: json)], Ct));

        Assert.Empty(await IdsAsync(new AuditQuery()));
    }

    [Fact]
    public async Task Search_DefaultOrder_IsNewestFirst_AndTiesAreOrderedById()
    {
        await Store.AppendAsync([Record("b", T0), Record("c", T0.AddSeconds(2)), Record("a", T0), Record("d", T0.AddSeconds(1)), Record("c", T0)], Ct);

        Assert.Equal(["c", "d", "c", "b", "a"], await IdsAsync(new AuditQuery()));
    }

    [Fact]
    public async Task Search_Ascending_IsOldestFirst()
    {
        await Store.AppendAsync([Record("b", T0), Record("c", T0.AddSeconds(2)), Record("a", T0), Record("d", T0.AddSeconds(1))], Ct);

        Assert.Equal(["a", "b", "d", "c"], await IdsAsync(new AuditQuery { Order = AuditOrder.Ascending }));
    }

    [Fact]
    public async Task Search_TimeWindow_IncludesFromAndExcludesTo()
    {
        await Store.AppendAsync(
        [
            Record("before", T0.AddTicks(-1)), Record("from", T0), Record("inside", T0.AddMinutes(30)),
            Record("just-before-to", T0.AddHours(1).AddTicks(-1)), Record("to", T0.AddHours(1)),
        ], Ct);

        Assert.Equal(["just-before-to", "inside", "from"], await IdsAsync(new AuditQuery { From = T0, To = T0.AddHours(1) }));
        Assert.Equal(["to", "just-before-to", "inside", "from"], await IdsAsync(new AuditQuery { From = T0 }));
        Assert.Equal(["from", "before"], await IdsAsync(new AuditQuery { To = T0.AddTicks(1) }));
    }

    [Fact]
    public async Task Search_TimeWindow_ComparesInstantsWhateverTheOffset()
    {
        await Store.AppendAsync([Record("e1", new DateTimeOffset(2030, 1, 1, 2, 0, 0, TimeSpan.FromHours(2)))], Ct); // = T0

        Assert.Equal(["e1"], await IdsAsync(new AuditQuery { From = T0, To = T0.AddTicks(1) }));
        Assert.Equal(T0, Assert.Single((await Store.SearchAsync(new AuditQuery(), Ct)).Records).Time);
    }

    [Fact]
    public async Task Search_Types_MatchesAnyOfThem()
    {
        await Store.AppendAsync([Record("1", T0, "user.login"), Record("2", T0, "user.create"), Record("3", T0, "role.created"), Record("4", T0, "user.login")], Ct);

        Assert.Equal(["4", "1"], await IdsAsync(new AuditQuery { Types = ["user.login"] }));
        Assert.Equal(["4", "3", "1"], await IdsAsync(new AuditQuery { Types = ["user.login", "role.created", "user.login"] }));
        Assert.Empty(await IdsAsync(new AuditQuery { Types = ["lock.created"] }));
    }

    [Fact]
    public async Task Search_User_MatchesExactly()
    {
        await Store.AppendAsync([Record("1", T0, user: "alice"), Record("2", T0, user: "Alice"), Record("3", T0, user: "alice2"), Record("4", T0, user: null)], Ct);

        Assert.Equal(["1"], await IdsAsync(new AuditQuery { User = "alice" }));
    }

    [Fact]
    public async Task Search_EveryFilterTogether_MatchesOnlyWhatAllAccept()
    {
        await Store.AppendAsync(
        [
            Record("match", T0.AddMinutes(5), "user.login", "alice"),
            Record("match-2", T0.AddMinutes(6), "role.created", "alice"),
            Record("wrong-type", T0.AddMinutes(5), "user.create", "alice"),
            Record("wrong-user", T0.AddMinutes(5), "user.login", "bob"),
            Record("too-early", T0.AddMinutes(-5), "user.login", "alice"),
            Record("too-late", T0.AddMinutes(15), "user.login", "alice"),
        ], Ct);

        var query = new AuditQuery { From = T0, To = T0.AddMinutes(10), Types = ["user.login", "role.created"], User = "alice" };
        Assert.Equal(["match-2", "match"], await IdsAsync(query));
    }

    [Fact]
    public async Task Append_ServiceAndOperation_RoundTrip_AndStayNullWhenNotSet()
    {
        await Store.AppendAsync([AwsRecord("aws", T0, "s3", "PutObject"), Record("plain", T0)], Ct);

        var records = (await Store.SearchAsync(new AuditQuery(), Ct)).Records;
        Assert.Equal(("s3", "PutObject"), (records.Single(r => r.Id == "aws").Service, records.Single(r => r.Id == "aws").Operation));
        Assert.Equal((null, null), (records.Single(r => r.Id == "plain").Service, records.Single(r => r.Id == "plain").Operation));
    }

    [Fact]
    public async Task Search_Services_MatchesAnyOfThemExactly()
    {
        await Store.AppendAsync(
        [
            AwsRecord("1", T0, "s3", "PutObject"), AwsRecord("2", T0, "dynamodb", "GetItem"), AwsRecord("3", T0, "sqs", "SendMessage"),
            AwsRecord("4", T0, "S3", "PutObject"), AwsRecord("5", T0, null, null), Record("6", T0),
        ], Ct);

        Assert.Equal(["1"], await IdsAsync(new AuditQuery { Services = ["s3"] }));
        Assert.Equal(["3", "2"], await IdsAsync(new AuditQuery { Services = ["dynamodb", "sqs", "dynamodb"] }));
        Assert.Empty(await IdsAsync(new AuditQuery { Services = ["lambda"] }));
    }

    [Fact]
    public async Task Search_Operations_MatchExactly_CaseAndAll()
    {
        await Store.AppendAsync(
        [
            AwsRecord("1", T0, "s3", "PutObject"), AwsRecord("2", T0, "s3", "putobject"), AwsRecord("3", T0, "s3", "PutObjectAcl"),
            AwsRecord("4", T0, "s3", "GetObject"), AwsRecord("5", T0, "s3", null),
        ], Ct);

        Assert.Equal(["1"], await IdsAsync(new AuditQuery { Operations = ["PutObject"] }));
        Assert.Equal(["4", "1"], await IdsAsync(new AuditQuery { Operations = ["PutObject", "GetObject"] }));
    }

    [Fact]
    public async Task Search_ServiceOperationTypeAndUser_MatchOnlyWhatAllAccept()
    {
        await Store.AppendAsync(
        [
            AwsRecord("match", T0, "s3", "PutObject"),
            AwsRecord("other-service", T0, "dynamodb", "PutObject"),
            AwsRecord("other-operation", T0, "s3", "GetObject"),
            AwsRecord("other-user", T0, "s3", "PutObject", user: "bob"),
            Record("other-type", T0, "app.session.dynamodb.request") with { Service = "s3", Operation = "PutObject" },
        ], Ct);

        var query = new AuditQuery { Types = ["app.session.request"], User = "alice", Services = ["s3"], Operations = ["PutObject"] };
        Assert.Equal(["match"], await IdsAsync(query));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(AuditQuery.MaxLimit + 1)]
    public async Task Search_LimitOutOfBounds_ThrowsBadParameter(int limit)
    {
        await AssertFailsAsync(ErrorKind.BadParameter, async () => await Store.SearchAsync(new AuditQuery { Limit = limit }, Ct));
    }

    [Fact]
    public async Task Search_LimitBounds_AreInclusive()
    {
        await Store.AppendAsync(Records(AuditQuery.MaxLimit + 5, T0), Ct);

        var smallest = await Store.SearchAsync(new AuditQuery { Limit = 1 }, Ct);
        var largest = await Store.SearchAsync(new AuditQuery { Limit = AuditQuery.MaxLimit }, Ct);

        Assert.Single(smallest.Records);
        Assert.NotNull(smallest.NextCursor);
        Assert.Equal(AuditQuery.MaxLimit, largest.Records.Count);
        Assert.NotNull(largest.NextCursor);
    }

    [Fact]
    public async Task Search_DefaultLimit_IsApplied()
    {
        await Store.AppendAsync(Records(AuditQuery.DefaultLimit + 1, T0), Ct);

        Assert.Equal(AuditQuery.DefaultLimit, (await Store.SearchAsync(new AuditQuery(), Ct)).Records.Count);
    }

    [Fact]
    public async Task Search_ExactlyLimitMatches_HasNoNextCursor()
    {
        await Store.AppendAsync(Records(5, T0), Ct);

        var page = await Store.SearchAsync(new AuditQuery { Limit = 5 }, Ct);

        Assert.Equal(5, page.Records.Count);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task Search_InvalidFilters_ThrowBadParameter()
    {
        await AssertFailsAsync(ErrorKind.BadParameter, async () => await Store.SearchAsync(new AuditQuery { From = T0, To = T0.AddTicks(-1) }, Ct));
        await AssertFailsAsync(ErrorKind.BadParameter, async () => await Store.SearchAsync(new AuditQuery { Types = ["user.login", ""] }, Ct));
        await AssertFailsAsync(ErrorKind.BadParameter, async () => await Store.SearchAsync(new AuditQuery { User = "" }, Ct));
        await AssertFailsAsync(ErrorKind.BadParameter, async () => await Store.SearchAsync(
            new AuditQuery { Types = Enumerable.Range(0, AuditQuery.MaxTypes + 1).Select(i => "t" + i).ToList() }, Ct));
        await AssertFailsAsync(ErrorKind.BadParameter, async () => await Store.SearchAsync(new AuditQuery { Order = (AuditOrder)7 }, Ct));
        await AssertFailsAsync(ErrorKind.BadParameter, async () => await Store.SearchAsync(new AuditQuery { Services = ["s3", ""] }, Ct));
        await AssertFailsAsync(ErrorKind.BadParameter, async () => await Store.SearchAsync(new AuditQuery { Operations = [""] }, Ct));
        await AssertFailsAsync(ErrorKind.BadParameter, async () => await Store.SearchAsync(
            new AuditQuery { Operations = Enumerable.Range(0, AuditQuery.MaxValues + 1).Select(i => "Op" + i).ToList() }, Ct));
    }

    [Fact]
    public async Task Search_ValuesThatLookLikeSql_AreOnlyValues()
    {
        const string hostile = "x' OR '1'='1";
        await Store.AppendAsync([Record("1", T0, hostile, hostile)], Ct);

        Assert.Empty(await IdsAsync(new AuditQuery { User = "x' OR 1=1 --" }));
        Assert.Equal(["1"], await IdsAsync(new AuditQuery { User = hostile, Types = [hostile] }));
        await Store.AppendAsync([AwsRecord("2", T0, hostile, hostile)], Ct);
        Assert.Empty(await IdsAsync(new AuditQuery { Operations = ["x' OR 1=1 --"] }));
        Assert.Equal(["2"], await IdsAsync(new AuditQuery { Services = [hostile], Operations = [hostile] }));
    }

    protected static AuditRecord Record(string id, DateTimeOffset time, string type = "user.login", string? user = "alice", bool success = true, string? json = null) => new()
    {
        Id = id,
        Time = time,
        Type = type,
        User = user,
        Success = success,
        Json = Encoding.UTF8.GetBytes(json ?? $$"""{"uid":"{{id}}"}"""),
    };

    /// <summary>An app request's record with its AWS service and operation (either may be null).</summary>
    protected static AuditRecord AwsRecord(string id, DateTimeOffset time, string? service, string? operation, string? user = "alice") =>
        Record(id, time, "app.session.request", user) with { Service = service, Operation = operation };

    /// <summary><paramref name="count"/> records at <paramref name="time"/>, ids r0000, r0001, ...</summary>
    protected static List<AuditRecord> Records(int count, DateTimeOffset time, string prefix = "r") =>
        Enumerable.Range(0, count).Select(i => Record($"{prefix}{i:D4}", time)).ToList();

    protected async Task<List<string>> IdsAsync(AuditQuery query) =>
        (await Store.SearchAsync(query, Ct)).Records.Select(r => r.Id).ToList();
}
