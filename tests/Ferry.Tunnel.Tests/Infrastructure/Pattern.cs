using System.Net;

namespace Ferry.Tunnel.Tests.Infrastructure;

/// <summary>
/// A deterministic byte pattern for large bodies: byte i is i mod 251 (a prime, so chunk boundaries never
/// line up with it). Written and checked in chunks, so neither side ever holds a whole body.
/// </summary>
internal static class Pattern
{
    public static void Fill(Span<byte> destination, long offset)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)((offset + i) % 251);
        }
    }

    public static async Task<(long Count, long Mismatches)> VerifyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        long count = 0, mismatches = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)((count + i) % 251))
                {
                    mismatches++;
                }
            }

            count += read;
        }

        return (count, mismatches);
    }

    /// <summary>A request body of <paramref name="length"/> pattern bytes, generated while it is sent.</summary>
    public sealed class Content(long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var chunk = new byte[64 * 1024];
            for (long offset = 0; offset < length;)
            {
                var count = (int)Math.Min(chunk.Length, length - offset);
                Fill(chunk.AsSpan(0, count), offset);
                await stream.WriteAsync(chunk.AsMemory(0, count), cancellationToken);
                offset += count;
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length1)
        {
            length1 = length;
            return true;
        }
    }
}
