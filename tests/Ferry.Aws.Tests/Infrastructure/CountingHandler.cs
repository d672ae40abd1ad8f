using System.Text;

namespace Ferry.Aws.Tests.Infrastructure;

/// <summary>Counts the requests whose form body names an action (e.g. "Action=AssumeRole"), then sends them on.</summary>
internal sealed class CountingHandler(string action) : DelegatingHandler(new SocketsHttpHandler { UseProxy = false })
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            var body = Encoding.UTF8.GetString(await request.Content.ReadAsByteArrayAsync(cancellationToken));
            if (body.Contains("Action=" + action + "&", StringComparison.Ordinal) || body.EndsWith("Action=" + action, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
