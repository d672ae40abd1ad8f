using System.Buffers;

namespace Ferry.LocalProxy.Http;

/// <summary>
/// A request body read completely: SigV4 verification hashes it (docs/aws-access.md §1.4 step 3.3) before a byte
/// goes upstream, and the same buffer is then sent on. Pooled; at most the body cap (70 MB) is held.
/// </summary>
internal sealed class BufferedBody : IDisposable
{
    private const int InitialChunk = 16 * 1024;

    private byte[]? _array;

    private BufferedBody(byte[]? array, int length)
    {
        _array = array;
        Length = length;
    }

    public static BufferedBody Empty { get; } = new(null, 0);

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _array is null ? ReadOnlyMemory<byte>.Empty : _array.AsMemory(0, Length);

    /// <summary>The backing array (for <see cref="ByteArrayContent"/>); empty for an empty body.</summary>
    public byte[] Array => _array ?? [];

    /// <summary>Reads the whole body; null when it is longer than <paramref name="maxLength"/>.</summary>
    public static async ValueTask<BufferedBody?> ReadAsync(Stream body, long? contentLength, long maxLength, CancellationToken cancellationToken)
    {
        if (contentLength is { } declared)
        {
            if (declared > maxLength || declared > System.Array.MaxLength)
            {
                return null;
            }

            if (declared == 0)
            {
                return Empty;
            }

            var exact = ArrayPool<byte>.Shared.Rent((int)declared);
            try
            {
                // The server enforces Content-Length: a shorter body throws, a longer one is not read.
                await body.ReadExactlyAsync(exact.AsMemory(0, (int)declared), cancellationToken);
                return new BufferedBody(exact, (int)declared);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(exact);
                throw;
            }
        }

        // Chunked (or HTTP/2 without content-length): grow by doubling up to the cap.
        var limit = (int)Math.Min(maxLength, System.Array.MaxLength - 1);
        var buffer = ArrayPool<byte>.Shared.Rent(InitialChunk);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return null;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        if (length == 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return Empty;
        }

        return new BufferedBody(buffer, length);
    }

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
