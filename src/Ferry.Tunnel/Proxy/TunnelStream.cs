using System.Buffers;
using System.IO.Pipelines;
using Ferry.Tunnel.Transport;

namespace Ferry.Tunnel.Proxy;

/// <summary>
/// A tunnel as the <see cref="Stream"/> SocketsHttpHandler's ConnectCallback must return. Disposing it
/// completes both pipes, which the transport turns into a WebSocket close.
/// When the tunnel fails before the agent sent a single byte, reads and writes fail with a
/// <see cref="TunnelClosedException"/> saying so: the agent's Kestrel answers the HTTP/2 preface with its
/// SETTINGS before it reads any request, so no request on this connection can have reached the agent's app,
/// and <see cref="TunnelServer.SendAsync"/> may safely try another agent.
/// </summary>
internal sealed class TunnelStream : Stream
{
    private readonly WebSocketTransport _transport;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Action _onDisposed;
    private int _disposed;
    private int _reading;
    private int _inputCompleted;

    public TunnelStream(WebSocketTransport transport, Action onDisposed)
    {
        _transport = transport;
        _input = transport.Input;
        _output = transport.Output;
        _onDisposed = onDisposed;
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        Interlocked.Exchange(ref _reading, 1);
        try
        {
            var read = await ReadCoreAsync(destination, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (!_transport.HasReceivedData)
                {
                    throw TunnelClosedException.BeforeAgentAnswered(_transport.ReceiveError);
                }

                if (_transport.ReceiveError is { } error)
                {
                    throw error;
                }
            }

            return read;
        }
        catch (IOException ex) when (ex is not TunnelClosedException && !_transport.HasReceivedData)
        {
            throw TunnelClosedException.BeforeAgentAnswered(ex);
        }
        finally
        {
            // A pipe reader must not be completed under a pending read, so a Dispose that raced with this
            // read left the completion to us.
            Interlocked.Exchange(ref _reading, 0);
            if (Volatile.Read(ref _disposed) != 0)
            {
                CompleteInput();
            }
        }
    }

    private async ValueTask<int> ReadCoreAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                _input.AdvanceTo(buffer.Start);
                ThrowIfClosed();
                throw new OperationCanceledException(cancellationToken);
            }

            if (!buffer.IsEmpty)
            {
                var count = (int)Math.Min(buffer.Length, destination.Length);
                var consumed = buffer.Slice(0, count);
                consumed.CopyTo(destination.Span);
                _input.AdvanceTo(consumed.End);
                return count;
            }

            _input.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                return 0;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        FlushResult result;
        try
        {
            result = await _output.WriteAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (!_transport.HasReceivedData)
        {
            // The send loop failed (its error comes back through the pipe) before the agent said a word.
            throw TunnelClosedException.BeforeAgentAnswered(ex);
        }

        if (result.IsCompleted)
        {
            // The transport stopped sending (the WebSocket failed); the bytes went nowhere.
            throw _transport.HasReceivedData ? new IOException("The tunnel connection was lost.") : TunnelClosedException.BeforeAgentAnswered(null);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    // WriteAsync already flushes the pipe.
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _output.Complete();
            if (Volatile.Read(ref _reading) == 0)
            {
                CompleteInput();
            }
            else
            {
                _input.CancelPendingRead();
            }

            _onDisposed();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    // SocketsHttpHandler may write its preface after its read loop already saw the tunnel end and disposed us.
    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw _transport.HasReceivedData
                ? new ObjectDisposedException(nameof(TunnelStream))
                : TunnelClosedException.BeforeAgentAnswered(new ObjectDisposedException(nameof(TunnelStream)));
        }
    }

    private void CompleteInput()
    {
        if (Interlocked.Exchange(ref _inputCompleted, 1) == 0)
        {
            _input.Complete();
        }
    }
}
