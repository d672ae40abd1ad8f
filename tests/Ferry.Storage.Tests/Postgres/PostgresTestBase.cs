using System.Diagnostics;
using System.Text;
using Ferry.Core.Errors;
using Ferry.Storage.Postgres;

namespace Ferry.Storage.Tests.Postgres;

/// <summary>
/// What the PostgreSQL-only tests share: a fresh schema per test, backends opened on it (closed after the test), and
/// waits that end on a condition or fail at a deadline.
/// </summary>
[Collection(PostgresCollection.Name)]
public abstract class PostgresTestBase(PostgresCluster cluster) : IAsyncLifetime
{
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly List<IAsyncDisposable> _opened = [];
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    protected PostgresCluster Cluster { get; } = cluster;

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>The schema of this test; every backend a test opens without a URI shares it.</summary>
    protected string Uri { get; private set; } = "";

    public async Task InitializeAsync() => Uri = await Cluster.NewSchemaUriAsync(GetType());

    public async Task DisposeAsync()
    {
        for (var i = _opened.Count - 1; i >= 0; i--)
        {
            await _opened[i].DisposeAsync();
        }

        _timeout.Dispose();
    }

    /// <summary>A backend on this test's schema, named <paramref name="name"/> in pg_stat_activity (ferry-NAME).</summary>
    protected async Task<PostgresBackend> OpenAsync(
        string name, TimeProvider? time = null, Func<PostgresBackendOptions, PostgresBackendOptions>? configure = null)
    {
        var options = new PostgresBackendOptions { Connection = PostgresCluster.Parse(WithApplicationName(Uri, name)) };
        var backend = await PostgresBackend.OpenAsync(configure?.Invoke(options) ?? options, time ?? TimeProvider.System, logger: null, Ct);
        _opened.Add(backend);
        return backend;
    }

    protected void CloseWithTest(IAsyncDisposable disposable) => _opened.Add(disposable);

    /// <summary>Starts a watch and consumes its Init.</summary>
    protected async Task<IAsyncEnumerator<BackendEvent>> WatchAsync(IBackend backend, params string[] prefixes)
    {
        var watch = backend.WatchAsync(prefixes, Ct).GetAsyncEnumerator(Ct);
        CloseWithTest(watch);
        Assert.True(await watch.MoveNextAsync().AsTask().WaitAsync(Deadline, Ct), "the watch ended before Init");
        Assert.Equal(BackendEventType.Init, watch.Current.Type);
        return watch;
    }

    protected async Task<BackendEvent> NextAsync(IAsyncEnumerator<BackendEvent> watch, TimeSpan? within = null)
    {
        Assert.True(await watch.MoveNextAsync().AsTask().WaitAsync(within ?? Deadline, Ct), "the watch ended");
        return watch.Current;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> at the deadline.</summary>
    protected async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < Deadline, $"timed out waiting until {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(20), Ct);
        }
    }

    protected static async Task<FerryException> AssertFailsAsync(ErrorKind kind, Func<Task> action)
    {
        var exception = await Assert.ThrowsAsync<FerryException>(action);
        Assert.Equal(kind, exception.Kind);
        return exception;
    }

    protected static Item NewItem(string key, string value, DateTimeOffset? expires = null) => Item.Create(key, Encoding.UTF8.GetBytes(value), expires);

    protected static string Text(Item item) => Encoding.UTF8.GetString(item.Value.Span);

    protected static string WithApplicationName(string uri, string name) => uri.Replace("application_name=ferry-test", $"application_name=ferry-{name}", StringComparison.Ordinal);
}
