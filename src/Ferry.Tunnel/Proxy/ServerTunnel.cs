using System.Net.WebSockets;
using Ferry.Tunnel.Transport;
using Microsoft.Extensions.Logging;

namespace Ferry.Tunnel.Proxy;

/// <summary>
/// One agent-opened WebSocket on the proxy, waiting to be, or being, one HTTP/2 client connection.
/// A tunnel is handed out at most once: SocketsHttpHandler owns it from then on and disposes the stream
/// when its HTTP/2 connection ends.
/// </summary>
internal sealed class ServerTunnel
{
    private const int Idle = 0;
    private const int InUse = 1;
    private const int Retired = 2;

    private readonly WebSocketTransport _transport;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private int _state;

    public ServerTunnel(string id, string agentId, WebSocket webSocket, ILogger logger)
    {
        Id = id;
        AgentId = agentId;
        _logger = logger;
        _transport = new WebSocketTransport(webSocket, id, logger);
    }

    public string Id { get; }

    public string AgentId { get; }

    /// <summary>Claims the idle tunnel for one HTTP/2 connection; false when it is taken or already dead.</summary>
    public bool TryAcquire() =>
        !_transport.Receiving.IsCompleted && Interlocked.CompareExchange(ref _state, InUse, Idle) == Idle;

    /// <summary>Gives back a tunnel that was claimed but never used (its waiter gave up).</summary>
    public void Unacquire() => Interlocked.CompareExchange(ref _state, Idle, InUse);

    /// <summary>The stream for the HTTP/2 client; disposing it releases the tunnel (and closes it).</summary>
    public Stream OpenStream() => new TunnelStream(_transport, () => _released.TrySetResult());

    public void Abort() => _transport.Abort();

    /// <summary>
    /// Runs until the tunnel is closed for good; the WebSocket request stays open that long. The request's
    /// abort token is not watched: it fires when the agent's FIN arrives, possibly before the receive loop has
    /// read the last frames (an HTTP/2 GOAWAY among them), and the receive loop sees the end by itself.
    /// </summary>
    public async Task RunAsync(TimeSpan closeTimeout, TimeProvider timeProvider)
    {
        await Task.WhenAny(_transport.Receiving, _released.Task).ConfigureAwait(false);
        if (!_released.Task.IsCompleted)
        {
            // The agent closed (or died) first.
            if (Interlocked.CompareExchange(ref _state, Retired, Idle) == Idle)
            {
                // Nobody was using it: answer the close handshake ourselves.
                _transport.Input.Complete();
                _transport.Output.Complete();
            }
            else
            {
                // The HTTP/2 client reads the end of the stream and lets go of it.
                await CompletesWithinAsync(_released.Task, closeTimeout, timeProvider).ConfigureAwait(false);
            }
        }

        if (!await CompletesWithinAsync(_transport.Completion, closeTimeout, timeProvider).ConfigureAwait(false))
        {
            TunnelLog.TunnelCloseTimedOut(_logger, Id, AgentId);
            _transport.Abort();
            await _transport.Completion.ConfigureAwait(false);
        }
    }

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout, TimeProvider timeProvider)
    {
        try
        {
            await task.WaitAsync(timeout, timeProvider).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
