using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ferry.Aws.SigV4.Streaming;

/// <summary>
/// Reads a chunk-signed (<c>aws-chunked</c>) upload and yields it again, chunk by chunk, never holding more than one
/// chunk: either verified against the chain the client started (the local proxy, with the throwaway keys) or with
/// every chunk and trailer signature replaced by the chain of the re-signed request (the agent, with the role's keys).
/// The framing is kept byte for byte (the size text as sent, 64-hex signatures), so Content-Length and
/// X-Amz-Decoded-Content-Length stay true.
/// <code>
/// size-hex;chunk-signature=sig CRLF data CRLF          (repeated; SDKs send 64–128 KB chunks)
/// 0;chunk-signature=sig CRLF                            (the final, empty chunk)
/// [name:value CRLF ... x-amz-trailer-signature:sig CRLF] (the -TRAILER variant: checksums)
/// CRLF
/// </code>
/// Anything else (a size that does not match its data, a missing or wrong signature, bytes after the end, more
/// decoded bytes than declared) throws <see cref="AwsChunkedException"/>. Hand-written because no .NET library
/// verifies or re-signs aws-chunked bodies (the AWS SDK only writes them). docs/aws-services.md "Signing modes".
/// </summary>
public sealed class AwsChunkedStream : Stream
{
    /// <summary>The largest chunk accepted: SDKs send 64–128 KB; a chunk is held whole while its signature is computed.</summary>
    public const int MaxChunkBytes = 16 * 1024 * 1024;

    private const int MaxLineBytes = 4096;
    private const int MaxTrailerBytes = 16 * 1024;
    private const int SignatureLength = 64;

    private static ReadOnlySpan<byte> SignatureExtension => ";chunk-signature="u8;

    private static ReadOnlySpan<byte> TrailerSignatureName => "x-amz-trailer-signature:"u8;

    private readonly Stream _inner;
    private readonly ChunkSignatureChain _chain;
    private readonly bool _resign;
    private readonly bool _trailer;
    private readonly long? _decodedLength;
    private readonly byte[] _input = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _inStart;
    private int _inEnd;
    private bool _innerEnded;
    private byte[] _output = [];
    private int _outStart;
    private int _outEnd;
    private long _decoded;
    private int _chunks;
    private bool _finished;
    private bool _disposed;

    private AwsChunkedStream(Stream inner, ChunkSignatureChain chain, bool resign, bool trailer, long? decodedLength)
    {
        _inner = inner;
        _chain = chain;
        _resign = resign;
        _trailer = trailer;
        _decodedLength = decodedLength;
    }

    /// <summary>Yields <paramref name="inner"/> unchanged, verifying each chunk (and the trailer) before yielding it.</summary>
    public static AwsChunkedStream Verifying(Stream inner, ChunkSignatureChain chain, bool trailer, long? decodedLength) =>
        new(inner, chain, resign: false, trailer, decodedLength);

    /// <summary>Yields <paramref name="inner"/> with each chunk (and the trailer) signed by <paramref name="chain"/> instead.</summary>
    public static AwsChunkedStream Resigning(Stream inner, ChunkSignatureChain chain, bool trailer, long? decodedLength) =>
        new(inner, chain, resign: true, trailer, decodedLength);

    /// <summary>Reads and checks the first chunk, so a bad upload is refused before anything is sent on.</summary>
    public async ValueTask PrimeAsync(CancellationToken cancellationToken)
    {
        if (_outStart == _outEnd && !_finished)
        {
            await ProduceAsync(cancellationToken);
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_outStart == _outEnd)
        {
            if (_finished)
            {
                return 0;
            }

            await ProduceAsync(cancellationToken);
        }

        var n = Math.Min(buffer.Length, _outEnd - _outStart);
        _output.AsSpan(_outStart, n).CopyTo(buffer.Span);
        _outStart += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            ArrayPool<byte>.Shared.Return(_input);
            if (_output.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_output);
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>Reads one chunk (or the final chunk and the trailer section) into the output buffer.</summary>
    private async ValueTask ProduceAsync(CancellationToken ct)
    {
        _chunks++;
        var headerLength = await ReadLineAsync(ct);
        var (size, signatureAt) = ParseHeader(headerLength);
        if (size == 0)
        {
            await FinishAsync(headerLength, signatureAt, ct);
            return;
        }

        // header CRLF data CRLF, all in one buffer: the signature in the header covers the data after it.
        var total = headerLength + 2 + size + 2;
        EnsureOutput(total);
        _input.AsSpan(_inStart - headerLength - 2, headerLength).CopyTo(_output);
        "\r\n"u8.CopyTo(_output.AsSpan(headerLength));
        await ReadDataAsync(_output.AsMemory(headerLength + 2, size + 2), ct);
        if (_output[total - 2] != '\r' || _output[total - 1] != '\n')
        {
            throw Fail($"its data is not followed by CRLF: the size in its header ({size} bytes) does not match the data sent");
        }

        _decoded += size;
        if (_decodedLength is { } declared && _decoded > declared)
        {
            throw Fail($"the chunks carry more than the {declared} bytes X-Amz-Decoded-Content-Length declares");
        }

        Sign(_output.AsSpan(headerLength + 2, size), _output.AsSpan(signatureAt, SignatureLength), "chunk signature");
        _outStart = 0;
        _outEnd = total;
    }

    /// <summary>The final chunk, the trailer section and the end of the body.</summary>
    private async ValueTask FinishAsync(int headerLength, int signatureAt, CancellationToken ct)
    {
        EnsureOutput(headerLength + 2 + MaxTrailerBytes + 2);
        _input.AsSpan(_inStart - headerLength - 2, headerLength).CopyTo(_output);
        "\r\n"u8.CopyTo(_output.AsSpan(headerLength));
        Sign([], _output.AsSpan(signatureAt, SignatureLength), "final chunk signature");
        var at = headerLength + 2;

        // Trailer lines up to the empty line that ends the body; canonically each is "name:value\n".
        var canonical = new List<byte>();
        var trailerSignatureAt = -1;
        while (true)
        {
            var lineLength = await ReadLineAsync(ct);
            var line = _input.AsSpan(_inStart - lineLength - 2, lineLength);
            if (lineLength == 0)
            {
                break;
            }

            if (at + lineLength + 4 > headerLength + 2 + MaxTrailerBytes)
            {
                throw Fail($"the trailing headers are larger than {MaxTrailerBytes / 1024} KB");
            }

            if (!_trailer)
            {
                throw Fail("trailing headers follow an upload whose X-Amz-Content-Sha256 declares none (use STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)");
            }

            if (trailerSignatureAt >= 0)
            {
                throw Fail("a trailing header follows x-amz-trailer-signature, which must come last");
            }

            line.CopyTo(_output.AsSpan(at));
            if (line.Length > TrailerSignatureName.Length && Ascii.EqualsIgnoreCase(line[..TrailerSignatureName.Length], TrailerSignatureName))
            {
                trailerSignatureAt = at + TrailerSignatureName.Length;
                if (lineLength - TrailerSignatureName.Length != SignatureLength)
                {
                    throw Fail("x-amz-trailer-signature is not 64 hex characters");
                }
            }
            else
            {
                if (line.IndexOf((byte)':') <= 0)
                {
                    throw Fail("a trailing header is not name:value");
                }

                canonical.AddRange(line);
                canonical.Add((byte)'\n');
            }

            "\r\n"u8.CopyTo(_output.AsSpan(at + lineLength));
            at += lineLength + 2;
        }

        if (_trailer)
        {
            if (trailerSignatureAt < 0)
            {
                throw Fail("the upload declared signed trailing headers but sent no x-amz-trailer-signature");
            }

            var text = canonical.ToArray();
            var expected = new byte[SignatureLength];
            _chain.Trailer(text, expected);
            Apply(expected, _output.AsSpan(trailerSignatureAt, SignatureLength), "trailer signature");
        }

        "\r\n"u8.CopyTo(_output.AsSpan(at));
        at += 2;

        if (_inStart < _inEnd || await FillAsync(ct) > 0)
        {
            throw Fail("bytes follow the end of the upload");
        }

        if (_decodedLength is { } declared && _decoded != declared)
        {
            throw Fail($"the chunks carry {_decoded} bytes, not the {declared} X-Amz-Decoded-Content-Length declares");
        }

        _outStart = 0;
        _outEnd = at;
        _finished = true;
    }

    private (int Size, int SignatureAt) ParseHeader(int headerLength)
    {
        var header = _input.AsSpan(_inStart - headerLength - 2, headerLength);
        var semicolon = header.IndexOf((byte)';');
        if (semicolon is <= 0 or > 8)
        {
            throw Fail("its header is not size-in-hex;chunk-signature=…");
        }

        if (!int.TryParse(Encoding.ASCII.GetString(header[..semicolon]), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
        {
            throw Fail("its size is not a hexadecimal number");
        }

        if (size > MaxChunkBytes)
        {
            throw Fail($"it is {size} bytes; chunks larger than {MaxChunkBytes / (1024 * 1024)} MB are refused");
        }

        var extension = header[semicolon..];
        if (extension.Length != SignatureExtension.Length + SignatureLength || !extension.StartsWith(SignatureExtension))
        {
            throw Fail("its header carries no chunk-signature of 64 hex characters");
        }

        return (size, semicolon + SignatureExtension.Length);
    }

    /// <summary>Computes the next signature of the chain over <paramref name="data"/> and checks or replaces <paramref name="signature"/>.</summary>
    private void Sign(ReadOnlySpan<byte> data, Span<byte> signature, string what)
    {
        Span<byte> expected = stackalloc byte[SignatureLength];
        _chain.NextChunk(data, expected);
        Apply(expected, signature, what);
    }

    private void Apply(ReadOnlySpan<byte> expected, Span<byte> signature, string what)
    {
        if (_resign)
        {
            expected.CopyTo(signature);
        }
        else if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            throw Fail($"its {what} does not match");
        }
    }

    /// <summary>Reads up to CRLF; returns the line's length, the line ending just before <see cref="_inStart"/> - 2.</summary>
    private async ValueTask<int> ReadLineAsync(CancellationToken ct)
    {
        var scanned = 0;
        while (true)
        {
            var newline = _input.AsSpan(_inStart + scanned, _inEnd - _inStart - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var end = _inStart + scanned + newline;
                if (end == _inStart || _input[end - 1] != '\r')
                {
                    throw Fail("a line of its framing does not end with CRLF");
                }

                var length = end - 1 - _inStart;
                _inStart = end + 1;
                return length;
            }

            scanned = _inEnd - _inStart;
            if (scanned >= MaxLineBytes)
            {
                throw Fail($"a line of its framing is longer than {MaxLineBytes} bytes");
            }

            if (await FillAsync(ct) == 0)
            {
                throw Fail("the upload ended in the middle of its framing");
            }
        }
    }

    private async ValueTask ReadDataAsync(Memory<byte> destination, CancellationToken ct)
    {
        var buffered = Math.Min(destination.Length, _inEnd - _inStart);
        _input.AsSpan(_inStart, buffered).CopyTo(destination.Span);
        _inStart += buffered;
        var rest = destination[buffered..];
        while (rest.Length > 0)
        {
            var read = _innerEnded ? 0 : await _inner.ReadAsync(rest, ct);
            if (read == 0)
            {
                _innerEnded = true;
                throw Fail("the upload ended before the chunk's data did");
            }

            rest = rest[read..];
        }
    }

    /// <summary>Moves what is unread to the front of the input buffer and reads more after it; 0 at the end of the body.</summary>
    private async ValueTask<int> FillAsync(CancellationToken ct)
    {
        if (_innerEnded)
        {
            return 0;
        }

        // Keep the current line (a header is parsed from the buffer after it is read) by compacting only what is unread.
        if (_inStart > 0)
        {
            var unread = _inEnd - _inStart;
            _input.AsSpan(_inStart, unread).CopyTo(_input);
            _inStart = 0;
            _inEnd = unread;
        }

        var read = await _inner.ReadAsync(_input.AsMemory(_inEnd), ct);
        if (read == 0)
        {
            _innerEnded = true;
        }

        _inEnd += read;
        return read;
    }

    private void EnsureOutput(int size)
    {
        if (_output.Length < size)
        {
            if (_output.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_output);
            }

            _output = ArrayPool<byte>.Shared.Rent(size);
        }
    }

    private AwsChunkedException Fail(string what) => new($"chunk-signed upload, chunk {_chunks}: {what}");
}
