using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Ferry.Tunnel.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Ferry.Tunnel.Agent;

/// <summary>
/// One tunnel, as Kestrel sees it: a connection whose transport is a WebSocket the agent dialled. Kestrel
/// serves HTTP/2 on it exactly as on an accepted socket, and disposes it when its HTTP/2 connection ends.
/// </summary>
internal sealed class TunnelConnection : ConnectionContext,
    IConnectionIdFeature, IConnectionItemsFeature, IConnectionTransportFeature, IConnectionLifetimeFeature, IConnectionEndPointFeature
{
    private readonly WebSocketTransport _transport;
    private readonly CancellationTokenSource _closedSource = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan _closeTimeout;
    private readonly TimeProvider _timeProvider;
    private Task? _disposing;

    private TunnelConnection(string id, string? proxyId, WebSocket webSocket, EndPoint localEndPoint, EndPoint remoteEndPoint, TimeSpan closeTimeout, TimeProvider timeProvider, ILogger logger)
    {
        ConnectionId = id;
        ProxyId = proxyId;
        LocalEndPoint = localEndPoint;
        RemoteEndPoint = remoteEndPoint;
        _closeTimeout = closeTimeout;
        _timeProvider = timeProvider;
        _transport = new WebSocketTransport(webSocket, id, logger);
        Transport = _transport;
        ConnectionClosed = _closedSource.Token;

        Features = new FeatureCollection();
        Features.Set<IConnectionIdFeature>(this);
        Features.Set<IConnectionItemsFeature>(this);
        Features.Set<IConnectionTransportFeature>(this);
        Features.Set<IConnectionLifetimeFeature>(this);
        Features.Set<IConnectionEndPointFeature>(this);

        // The tunnel failed: tell Kestrel, which aborts the requests still running on it. A clean close from
        // the proxy is left to the end of the input, so Kestrel finishes and our close reply still goes out.
        _transport.Receiving.ContinueWith(
            static (_, state) =>
            {
                var connection = (TunnelConnection)state!;
                if (connection._transport.ReceiveError is not null)
                {
                    connection.SignalClosed();
                }
            },
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; }

    public override IDictionary<object, object?> Items { get; set; } = new ConnectionItems();

    public override IDuplexPipe Transport { get; set; }

    public override CancellationToken ConnectionClosed { get; set; }

    public override EndPoint? LocalEndPoint { get; set; }

    public override EndPoint? RemoteEndPoint { get; set; }

    /// <summary>The id the proxy answered with (<see cref="TunnelDefaults.ProxyIdHeader"/>), or null when it sent none.</summary>
    public string? ProxyId { get; }

    /// <summary>Completes when the tunnel is finished with: Kestrel disposed it, or it was never accepted and was disposed.</summary>
    public Task Closed => _closed.Task;

    /// <summary>
    /// Dials the proxy and upgrades to a WebSocket; the result is a tunnel ready for Kestrel. A proxy named in
    /// <paramref name="skipProxies"/> declines (<see cref="TunnelConnectException.Declined"/>).
    /// </summary>
    public static async Task<TunnelConnection> ConnectAsync(
        TunnelClientOptions options, EndPoint localEndPoint, string id, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken,
        IReadOnlyCollection<string>? skipProxies = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.ClientCertificates.Add(options.CurrentClientCertificate);
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            options.ServerCertificateValidation(certificate as X509Certificate2, chain, errors);
        socket.Options.KeepAliveInterval = options.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = options.KeepAliveTimeout;
        socket.Options.CollectHttpResponseDetails = true;
        // Hints for the proxy's logs; it decides who we are from the certificate.
        socket.Options.SetRequestHeader(TunnelDefaults.AgentIdHeader, options.AgentId);
        if (options.Services.Count > 0)
        {
            socket.Options.SetRequestHeader(TunnelDefaults.ServicesHeader, string.Join(",", options.Services));
        }

        if (skipProxies is { Count: > 0 })
        {
            socket.Options.SetRequestHeader(TunnelDefaults.SkipProxiesHeader, string.Join(",", skipProxies));
        }

        using var timeout = new CancellationTokenSource(options.ConnectTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await socket.ConnectAsync(TunnelUri(options.ProxyUrl), linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var status = socket.HttpStatusCode;
            var answeredBy = ReadProxyId(socket.HttpResponseHeaders);
            socket.Dispose();
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            var declined = (int)status == TunnelDefaults.DeclinedStatus && answeredBy is not null;
            var reason = declined
                ? $"proxy {answeredBy} already holds this agent's share of tunnels"
                : Describe(ex, status, timeout.IsCancellationRequested);
            throw new TunnelConnectException(reason, ex) { ProxyId = answeredBy, Declined = declined };
        }

        var proxyId = ReadProxyId(socket.HttpResponseHeaders);
        socket.HttpResponseHeaders = null; // read once; release them
        var remote = new DnsEndPoint(options.ProxyUrl.Host, options.ProxyUrl.Port);
        return new TunnelConnection(id, proxyId, socket, localEndPoint, remote, options.CloseTimeout, timeProvider, logger);
    }

    /// <summary>
    /// The proxy's id from the upgrade answer, or null when it sent none or one that is not a plain token
    /// (it ends up in logs, metrics and <see cref="TunnelDefaults.SkipProxiesHeader"/>).
    /// </summary>
    internal static string? ReadProxyId(IReadOnlyDictionary<string, IEnumerable<string>>? headers)
    {
        if (headers is null)
        {
            return null;
        }

        foreach (var (name, values) in headers)
        {
            if (string.Equals(name, TunnelDefaults.ProxyIdHeader, StringComparison.OrdinalIgnoreCase))
            {
                var value = values.FirstOrDefault()?.Trim();
                return IsProxyId(value) ? value : null;
            }
        }

        return null;
    }

    /// <summary>A proxy id as the tunnel accepts one: 1–256 printable ASCII characters, no space or comma.</summary>
    internal static bool IsProxyId([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? id) =>
        id is { Length: > 0 and <= 256 } && id.All(c => c is > ' ' and < '\x7f' and not ',');

    /// <summary>
    /// Asks Kestrel to end the HTTP/2 connection gracefully (GOAWAY; requests under way finish), or aborts
    /// the tunnel at once when the proxy never started HTTP/2 on it.
    /// </summary>
    public void Retire()
    {
        if (TryAbortUnused())
        {
            return;
        }

        if (Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime)
        {
            lifetime.RequestClose();
        }
        else
        {
            // Not taken up by Kestrel yet, so no request of the proxy's has been answered on it.
            Abort(new ConnectionAbortedException("The tunnel's proxy left the live set."));
        }
    }

    /// <summary>Aborts the tunnel if the proxy never started HTTP/2 on it; see <see cref="WebSocketTransport.TryAbortUnused"/>.</summary>
    public bool TryAbortUnused()
    {
        if (!_transport.TryAbortUnused())
        {
            return false;
        }

        SignalClosed();
        return true;
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _transport.Abort();
        SignalClosed();
    }

    public override ValueTask DisposeAsync() => new(_disposing ??= DisposeCoreAsync());

    private async Task DisposeCoreAsync()
    {
        // Kestrel has completed its ends of the pipes by now; completing them again is harmless and covers
        // a tunnel that Kestrel never accepted. The transport then sends our close frame.
        await _transport.Input.CompleteAsync().ConfigureAwait(false);
        await _transport.Output.CompleteAsync().ConfigureAwait(false);
        try
        {
            await _transport.Completion.WaitAsync(_closeTimeout, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _transport.Abort();
            await _transport.Completion.ConfigureAwait(false);
        }

        SignalClosed();
        _closed.TrySetResult();
    }

    private void SignalClosed()
    {
        // Off this thread: Kestrel's callbacks must not run inside the transport's receive loop.
        ThreadPool.UnsafeQueueUserWorkItem(static source => source.Cancel(), _closedSource, preferLocal: false);
    }

    private static Uri TunnelUri(Uri proxyUrl) =>
        new UriBuilder(proxyUrl) { Scheme = Uri.UriSchemeWss, Path = TunnelDefaults.Path, Query = "" }.Uri;

    private static string Describe(Exception ex, HttpStatusCode status, bool timedOut)
    {
        if (timedOut)
        {
            return "timed out";
        }

        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return $"the proxy refused the agent (HTTP {(int)status}); check the agent's host certificate";
        }

        if (status != 0)
        {
            return $"the proxy answered HTTP {(int)status} instead of opening a tunnel";
        }

        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Security.Authentication.AuthenticationException)
            {
                return "the TLS handshake failed; is the proxy's certificate trusted?";
            }

            if (inner is System.Net.Sockets.SocketException socketError)
            {
                return socketError.Message;
            }
        }

        return ex.Message;
    }
}
