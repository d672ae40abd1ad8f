using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Ferry.Tunnel.Transport;

/// <summary>
/// Turns one WebSocket into a byte stream, shaped as a pair of pipes, the way Kestrel's socket transport
/// turns a socket into one. Both ends of the tunnel use it: the agent hands it to Kestrel as a connection's
/// transport, the proxy hands it (wrapped in a <c>TunnelStream</c>) to SocketsHttpHandler.
/// <code>
///   peer ──ws frames──► ReceiveLoop ──► Input pipe  ──► HTTP/2 (Kestrel or SocketsHttpHandler) reads
///   peer ◄──ws frames── SendLoop    ◄── Output pipe ◄── HTTP/2 writes
/// </code>
/// Message boundaries mean nothing: the bytes are one HTTP/2 connection.
/// Why pumps and not <c>WebSocketStream</c> handed over directly: a pipe reader over a stream cancels the
/// stream read when its consumer calls <c>CancelPendingRead</c> (Kestrel does, when a connection ends),
/// and cancelling a WebSocket receive aborts the WebSocket, so the graceful close would be lost. A
/// receive that nothing cancels also notices a close, or a dead peer, while the tunnel is idle.
/// Lifecycle: the consumer completes <see cref="Output"/> → a close frame is sent after the last bytes;
/// the peer's close frame → <see cref="Input"/> ends; a failure or <see cref="Abort"/> → <see cref="Input"/>
/// ends after the bytes already received, with <see cref="ReceiveError"/> set, and writes fail.
/// </summary>
internal sealed class WebSocketTransport : IDuplexPipe
{
    // Big enough that a large body moves in few WebSocket frames and TLS records; the HTTP/2 flow-control
    // windows, not these pipes, bound how much is in flight.
    private const int MaxFrameSize = 64 * 1024;
    private const int Fresh = 0;
    private const int Used = 1;
    private const int ClosedUnused = 2;
    private static readonly PipeOptions Options = new(
        minimumSegmentSize: 16 * 1024,
        pauseWriterThreshold: 1024 * 1024,
        resumeWriterThreshold: 512 * 1024,
        useSynchronizationContext: false);

    private readonly WebSocket _webSocket;
    private readonly Pipe _incoming = new(Options);
    private readonly Pipe _outgoing = new(Options);
    private readonly ILogger _logger;
    private readonly string _name;
    private int _use; // Fresh, Used or ClosedUnused

    public WebSocketTransport(WebSocket webSocket, string name, ILogger logger)
    {
        _webSocket = webSocket;
        _name = name;
        _logger = logger;
        Receiving = Task.Run(ReceiveLoopAsync);
        Sending = Task.Run(SendLoopAsync);
        Completion = CompleteAsync();
    }

    /// <summary>
    /// Bytes from the peer. Ends (without an error) at the peer's close frame or when the connection fails;
    /// <see cref="ReceiveError"/> tells the two apart.
    /// </summary>
    public PipeReader Input => _incoming.Reader;

    /// <summary>Bytes to the peer. Complete it to send the close frame.</summary>
    public PipeWriter Output => _outgoing.Writer;

    /// <summary>Why receiving stopped, when the peer did not close cleanly; set before <see cref="Input"/> ends.</summary>
    public Exception? ReceiveError { get; private set; }

    /// <summary>Completes when nothing more will come from the peer (closed, failed or aborted).</summary>
    public Task Receiving { get; }

    /// <summary>Completes when nothing more will go to the peer.</summary>
    public Task Sending { get; }

    /// <summary>Completes when both directions are done and the WebSocket is disposed.</summary>
    public Task Completion { get; }

    /// <summary>True once the peer sent a byte (on the proxy: the agent's Kestrel took up HTTP/2 on it).</summary>
    public bool HasReceivedData => Volatile.Read(ref _use) == Used;

    /// <summary>
    /// Aborts the tunnel if the peer never sent a byte on it, atomically with the receive loop: no byte is
    /// passed on after this returns true, so the consumer never started on anything the peer sent.
    /// </summary>
    public bool TryAbortUnused()
    {
        if (Interlocked.CompareExchange(ref _use, ClosedUnused, Fresh) != Fresh)
        {
            return false;
        }

        Abort();
        return true;
    }

    /// <summary>Tears the tunnel down at once; both directions fail with an <see cref="IOException"/>.</summary>
    public void Abort()
    {
        _webSocket.Abort();
        // Wake the loops where the WebSocket abort cannot reach them: waiting for bytes to send, or for
        // the consumer to make room for received ones.
        _outgoing.Reader.CancelPendingRead();
        _incoming.Writer.CancelPendingFlush();
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                var memory = _incoming.Writer.GetMemory(MaxFrameSize);
                // No cancellation token: cancelling a WebSocket receive aborts the WebSocket (see above).
                var result = await _webSocket.ReceiveAsync(memory, CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (result.Count > 0 && Volatile.Read(ref _use) != Used
                    && Interlocked.CompareExchange(ref _use, Used, Fresh) == ClosedUnused)
                {
                    throw new OperationCanceledException("The unused tunnel was closed.");
                }

                _incoming.Writer.Advance(result.Count);
                var flush = await _incoming.Writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break; // the consumer stopped reading; whatever else arrives has no reader
                }

                if (flush.IsCanceled)
                {
                    throw new OperationCanceledException("The tunnel was aborted.");
                }
            }
        }
        catch (Exception ex)
        {
            ReceiveError = new IOException("The tunnel connection was lost.", ex);
            TunnelLog.TransportReceiveFailed(_logger, _name, ex);
        }

        // Completed without the error: a pipe completed with one throws it at the reader at once, and the
        // bytes already received (an HTTP/2 GOAWAY, the end of a response) would be lost. The reader gets
        // them first, then the end of the stream, and can ask for ReceiveError.
        await _incoming.Writer.CompleteAsync().ConfigureAwait(false);
    }

    private async Task SendLoopAsync()
    {
        var reader = _outgoing.Reader;
        var frame = ArrayPool<byte>.Shared.Rent(MaxFrameSize);
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (!buffer.IsEmpty)
                    {
                        // Coalesce pipe segments (often 4 KiB) into frames of up to 64 KiB: one frame is one
                        // write into TLS, so fewer, bigger frames are cheaper.
                        var take = (int)Math.Min(buffer.Length, MaxFrameSize);
                        ReadOnlyMemory<byte> payload;
                        if (buffer.First.Length >= take)
                        {
                            payload = buffer.First[..take];
                        }
                        else
                        {
                            buffer.Slice(0, take).CopyTo(frame);
                            payload = frame.AsMemory(0, take);
                        }

                        await _webSocket.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None)
                            .ConfigureAwait(false);
                        buffer = buffer.Slice(take);
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start);
                }

                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("The tunnel was aborted.");
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }

            // The consumer is done writing: say so with a close frame (RFC 6455 §5.5.1). The peer's reply
            // ends our receive loop.
            if (_webSocket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            error = new IOException("The tunnel connection was lost.", ex);
            TunnelLog.TransportSendFailed(_logger, _name, ex);
            // Writes can no longer reach the peer: stop the receive side too, so the consumer learns of it.
            _webSocket.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }

        await reader.CompleteAsync(error).ConfigureAwait(false);
    }

    private async Task CompleteAsync()
    {
        await Task.WhenAll(Receiving, Sending).ConfigureAwait(false);
        _webSocket.Dispose();
    }
}
