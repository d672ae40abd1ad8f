using Ferry.Cluster.Caching;
using Ferry.Core.Errors;
using Ferry.Proxy.Caching;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Proxy.Tests.Caching;

/// <summary>
/// A session the feed has not brought yet (made through another proxy a moment ago) comes from auth; an id auth does
/// not know costs one auth call a minute, however often it is presented.
/// </summary>
public sealed class CacheOrAuthTests
{
    private sealed record Session(string Id, string? Hash);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-03T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly List<string> _asked = [];

    [Fact]
    public async Task NotYetInTheFeed_ComesFromAuth()
    {
        await using var cache = EmptyCache();
        var lookup = new CacheOrAuth<Session>(cache, "/s/", Auth(known: "fresh"), _time);

        var found = await lookup.FindAsync("fresh", CancellationToken.None);

        Assert.Equal(new Session("fresh", "hash"), found);
        Assert.Equal(["fresh"], _asked);
    }

    [Fact]
    public async Task UnknownId_IsAskedOnceAMinute()
    {
        await using var cache = EmptyCache();
        var lookup = new CacheOrAuth<Session>(cache, "/s/", Auth(known: "fresh"), _time);

        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await lookup.FindAsync("forged", CancellationToken.None));
        }

        Assert.Equal(["forged"], _asked);
        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Null(await lookup.FindAsync("forged", CancellationToken.None));
        Assert.Equal(["forged", "forged"], _asked);
    }

    [Fact]
    public async Task AuthUnreachable_FailsTheLookup_RatherThanCallingTheIdUnknown()
    {
        await using var cache = EmptyCache();
        var lookup = new CacheOrAuth<Session>(cache, "/s/", (_, _) => throw FerryException.Unavailable("auth is down"), _time);

        var error = await Assert.ThrowsAsync<FerryException>(() => lookup.FindAsync("fresh", CancellationToken.None));

        Assert.Equal(ErrorKind.Unavailable, error.Kind);
    }

    private Func<string, CancellationToken, Task<Session>> Auth(string known) => (id, _) =>
    {
        _asked.Add(id);
        return id == known ? Task.FromResult(new Session(id, "hash")) : throw FerryException.NotFound($"session {id} not found");
    };

    /// <summary>A cache that was never started: nothing is in it, as right before the feed delivers a new session.</summary>
    private WatchCache<Session> EmptyCache() => new(
        () => throw new InvalidOperationException("the cache is not started in these tests"),
        "/s/",
        _ => Task.FromResult<IReadOnlyList<(string, Session)>>([]),
        json => throw new InvalidOperationException("nothing is decoded in these tests"),
        NullLogger.Instance,
        _time);
}
