using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Ferry.Cluster.Tests.Infrastructure;

/// <summary>A request in flight whose abort the test can see (HttpContext.Abort goes to the lifetime feature).</summary>
internal sealed class TrackedRequest : IHttpRequestLifetimeFeature
{
    private readonly CancellationTokenSource _aborted = new();

    public TrackedRequest()
    {
        Context = new DefaultHttpContext();
        Context.Features.Set<IHttpRequestLifetimeFeature>(this);
    }

    public HttpContext Context { get; }

    public bool Aborted => _aborted.IsCancellationRequested;

    public CancellationToken RequestAborted
    {
        get => _aborted.Token;
        set => throw new NotSupportedException();
    }

    public void Abort() => _aborted.Cancel();
}
