using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Ferry.LocalProxy.Connect;

/// <summary>
/// The forward proxy of HTTPS_PROXY mode (docs/aws-access.md §1.3a), as a Kestrel connection middleware that runs
/// on the raw connection before TLS:
/// <code>
/// read the head ── not CONNECT ─────────────────────────────► 400, close
///      │
///      ├─ AWS host ── 200 ── next(): Kestrel TLS (leaf for the SNI) + HTTP ──► verify, forward (§1.4, §1.5)
///      │
///      └─ other ── dial (system proxy | direct) ── fail ────► 502 | 503, close
///                        └─ 200 ── copy bytes both ways until either side closes
/// </code>
/// Terminating the intercepted tunnel on the same connection (instead of re-dialling a second local TLS
/// listener as the reference does) saves a hop and a copy per byte.
/// </summary>
internal sealed class ConnectHandler
{
    /// <summary>The Items key under which an intercepted connection carries its CONNECT host (for an SNI-less ClientHello).</summary>
    public const string ConnectHostItem = "Ferry.LocalProxy.ConnectHost";

    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(30);

    private readonly TunnelDialer _dialer;
    private readonly ILogger _logger;

    /// <summary>Cancelled when the proxy stops: open tunnels are cut instead of holding the shutdown up.</summary>
    private readonly CancellationTokenSource _stopping = new();

    public ConnectHandler(TunnelDialer dialer, ILogger logger)
    {
        _dialer = dialer;
        _logger = logger;
    }

    public async Task HandleAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        ConnectRequest? request;
        using (var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            headTimeout.CancelAfter(HeadTimeout);
            try
            {
                request = await ReadHeadAsync(connection, headTimeout.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (request is null)
        {
            return;
        }

        if (!request.IsConnect)
        {
            LocalProxyLog.NotConnect(_logger, request.Method);
            await RawResponses.WriteErrorAsync(output, 400, "Bad Request", connection.ConnectionClosed);
            return;
        }

        if (AwsHosts.IsIntercepted(request.Host))
        {
            LocalProxyLog.ConnectIntercepted(_logger, request.Host, request.Port);
            connection.Items[ConnectHostItem] = request.Host;
            await output.WriteAsync(RawResponses.Established, connection.ConnectionClosed);
            await next(connection);
            return;
        }

        await TunnelAsync(connection, request.Host, request.Port);
    }

    /// <summary>Ends every open tunnel (intercepted connections are closed by the server's own shutdown).</summary>
    public void Stop() => _stopping.Cancel();

    private async Task<ConnectRequest?> ReadHeadAsync(ConnectionContext connection, CancellationToken cancellationToken)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            switch (ConnectRequest.TryParse(ref buffer, out var request, out var error))
            {
                case ConnectRequest.ParseStatus.Parsed:
                    // Whatever followed the head (a ClientHello sent without waiting) stays in the pipe for TLS.
                    input.AdvanceTo(buffer.Start);
                    return request;
                case ConnectRequest.ParseStatus.Malformed:
                    input.AdvanceTo(buffer.End);
                    LocalProxyLog.MalformedConnect(_logger, error!);
                    await RawResponses.WriteErrorAsync(connection.Transport.Output, 400, "Bad Request", cancellationToken);
                    return null;
            }

            if (result.IsCompleted)
            {
                return null;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task TunnelAsync(ConnectionContext connection, string host, int port)
    {
        var output = connection.Transport.Output;
        var closed = connection.ConnectionClosed;
        Socket? socket;
        var leftover = Array.Empty<byte>();
        var proxy = _dialer.RouteFor(host, port);
        if (proxy is null)
        {
            try
            {
                socket = await _dialer.DialDirectAsync(host, port, closed);
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
                LocalProxyLog.ConnectDialFailed(_logger, host, port, e);
                await RawResponses.WriteErrorAsync(output, 503, "Service Unavailable", closed);
                return;
            }
        }
        else
        {
            string? failure;
            (socket, leftover, failure) = await _dialer.DialViaProxyAsync(proxy, host, port, closed);
            if (socket is null)
            {
                LocalProxyLog.SystemProxyFailed(_logger, host, port, $"{proxy.Proxy.Host}:{proxy.Proxy.Port}", failure!);
                await RawResponses.WriteErrorAsync(output, 502, "Bad Gateway", closed);
                return;
            }
        }

        LocalProxyLog.ConnectTunnelled(_logger, host, port, proxy is null ? "directly" : $"through {proxy.Proxy.Host}:{proxy.Proxy.Port}");
        using (socket)
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await output.WriteAsync(RawResponses.Established, closed);
            if (leftover.Length > 0)
            {
                await output.WriteAsync(leftover, closed);
            }

            await PumpAsync(connection, socket, stream);
        }
    }

    /// <summary>
    /// Copies both ways. The client finishing its side half-closes the upstream and the upstream's answer still
    /// flows back; the upstream closing ends the tunnel.
    /// </summary>
    private async Task PumpAsync(ConnectionContext connection, Socket socket, NetworkStream stream)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, _stopping.Token);
        var toUpstream = CopyToUpstreamAsync(connection, socket, stream, stop.Token);
        var toClient = CopyToClientAsync(connection, stream, stop.Token);
        if (await Task.WhenAny(toUpstream, toClient) == toClient)
        {
            await stop.CancelAsync();
        }

        await Task.WhenAll(toUpstream, toClient);
    }

    private static async Task CopyToUpstreamAsync(ConnectionContext connection, Socket socket, NetworkStream stream, CancellationToken cancellationToken)
    {
        try
        {
            await connection.Transport.Input.CopyToAsync(stream, cancellationToken);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or ConnectionResetException)
        {
            // Either side went away; the other copy ends the tunnel.
        }
    }

    private static async Task CopyToClientAsync(ConnectionContext connection, NetworkStream stream, CancellationToken cancellationToken)
    {
        try
        {
            await stream.CopyToAsync(connection.Transport.Output, cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or ConnectionResetException)
        {
        }
    }
}
