using System.Buffers;
using System.IO.Pipelines;

namespace Ferry.Tunnel.Transport;

/// <summary>
/// A <see cref="Stream"/> over a pair of pipes: what SocketsHttpHandler's ConnectCallback must return.
/// Disposing it completes both pipes, which the transport turns into a WebSocket close.
/// </summary>
internal sealed class DuplexPipeStream : Stream
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private int _disposed;
    private int _reading;
    private int _inputCompleted;

    private readonly Action? _onDisposed;

    public DuplexPipeStream(IDuplexPipe pipe, Action? onDisposed = null)
    {
        _input = pipe.Input;
        _output = pipe.Output;
        _onDisposed = onDisposed;
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Interlocked.Exchange(ref _reading, 1);
        try
        {
            return await ReadCoreAsync(destination, cancellationToken).ConfigureAwait(false);
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
                ObjectDisposedException.ThrowIf(_disposed != 0, this);
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
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var result = await _output.WriteAsync(source, cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            // The transport stopped sending (the WebSocket failed); the bytes went nowhere.
            throw new IOException("The tunnel connection was lost.");
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

            _onDisposed?.Invoke();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private void CompleteInput()
    {
        if (Interlocked.Exchange(ref _inputCompleted, 1) == 0)
        {
            _input.Complete();
        }
    }
}
