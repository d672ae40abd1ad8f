using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Ferry.Client.Http;
using Ferry.Cluster.Caching;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Locks;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ferry.Cluster.Tests.Infrastructure;

/// <summary>
/// Auth as a proxy's or agent's caches and audit batcher see it: GET /v1/watch (one <see cref="WatchFeed"/> per
/// connection, handed to the test), the list endpoints the caches' loaders call (/v1/locks, /v1/revocations,
/// /v1/roles, answered from what the test put in <see cref="Locks"/>, <see cref="Revocations"/>, <see cref="Roles"/>),
/// and POST /v1/events, recorded.
/// </summary>
internal sealed class ClusterStateServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Channel<WatchFeed>> _feeds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _loads = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<WatchFeed> _allFeeds = new();
    private readonly ConcurrentQueue<AuditEvent> _events = new();
    private FakeAuthServer _server = null!;
    private volatile TaskCompletionSource? _holdLoads;
    private int _eventPosts;

    public ConcurrentDictionary<string, AccessLock> Locks { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, UserRevocation> Revocations { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, Role> Roles { get; } = new(StringComparer.Ordinal);

    /// <summary>Every audit event posted, in order.</summary>
    public IReadOnlyList<AuditEvent> PostedEvents => _events.ToArray();

    public int EventPosts => Volatile.Read(ref _eventPosts);

    public static async Task<ClusterStateServer> StartAsync(TestPki pki)
    {
        var state = new ClusterStateServer();
        state._server = await FakeAuthServer.StartAsync(pki, app =>
        {
            app.MapGet("/v1/watch", state.WatchAsync);
            app.MapGet("/v1/locks", (CancellationToken ct) => state.ListAsync("locks", () => ResourceJsonArray(state.Locks.Values), ct));
            app.MapGet("/v1/roles", (CancellationToken ct) => state.ListAsync("roles", () => ResourceJsonArray(state.Roles.Values), ct));
            app.MapGet("/v1/revocations", (CancellationToken ct) =>
                state.ListAsync("revocations", () => JsonSerializer.SerializeToUtf8Bytes(state.Revocations.Values.ToList(), ApiJson.Options), ct));
            app.MapPost("/v1/events", state.EventsAsync);
        });
        return state;
    }

    public AuthClient Client() => _server.Client();

    /// <summary>How often a loader read everything under <paramref name="path"/> (locks, revocations, roles).</summary>
    public int Loads(string path) => _loads.GetValueOrDefault(path);

    /// <summary>Until <see cref="ReleaseLoads"/>, list requests are counted but not answered: a re-read in progress.</summary>
    public void HoldLoads() => _holdLoads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseLoads() => _holdLoads?.TrySetResult();

    /// <summary>The next watch connection for <paramref name="prefix"/> (the first, or a reconnect).</summary>
    public Task<WatchFeed> NextFeedAsync(string prefix) =>
        Wait.ForAsync(FeedsOf(prefix).Reader.ReadAsync().AsTask(), $"a watch of {prefix}");

    public static byte[] StoredJson(AccessLock accessLock) => ResourceJson.SerializeToUtf8Bytes(accessLock);

    public static byte[] StoredJson(UserRevocation revocation) => JsonSerializer.SerializeToUtf8Bytes(revocation, ApiJson.Options);

    private Channel<WatchFeed> FeedsOf(string prefix) => _feeds.GetOrAdd(prefix, _ => Channel.CreateUnbounded<WatchFeed>());

    private async Task WatchAsync(HttpContext http)
    {
        var prefix = http.Request.Query["prefix"].Single()!;
        var feed = new WatchFeed(prefix);
        _allFeeds.Enqueue(feed);
        http.Response.ContentType = "application/x-ndjson";
        await http.Response.StartAsync(http.RequestAborted);
        FeedsOf(prefix).Writer.TryWrite(feed);
        try
        {
            await foreach (var watchEvent in feed.Events.ReadAllAsync(http.RequestAborted))
            {
                await http.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(watchEvent, ApiJson.Options), http.RequestAborted);
                await http.Response.Body.WriteAsync("\n"u8.ToArray(), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The cache hung up (it was disposed).
        }
    }

    private async Task<IResult> ListAsync(string path, Func<byte[]> body, CancellationToken ct)
    {
        _loads.AddOrUpdate(path, 1, (_, n) => n + 1);
        if (_holdLoads is { } hold)
        {
            await hold.Task.WaitAsync(ct);
        }

        return Results.Bytes(body(), "application/json");
    }

    private async Task EventsAsync(HttpContext http)
    {
        var batch = await JsonSerializer.DeserializeAsync<List<AuditEvent>>(http.Request.Body, cancellationToken: http.RequestAborted) ?? [];
        foreach (var auditEvent in batch)
        {
            _events.Enqueue(auditEvent);
        }

        Interlocked.Increment(ref _eventPosts);
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync("{}", http.RequestAborted);
    }

    private static byte[] ResourceJsonArray<T>(IEnumerable<T> resources)
        where T : IResource =>
        System.Text.Encoding.UTF8.GetBytes("[" + string.Join(",", resources.Select(r => ResourceJson.Serialize(r))) + "]");

    public async ValueTask DisposeAsync()
    {
        ReleaseLoads();
        foreach (var feed in _allFeeds)
        {
            feed.End();
        }

        await _server.DisposeAsync();
    }
}
