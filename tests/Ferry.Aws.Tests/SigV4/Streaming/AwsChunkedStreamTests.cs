using System.Text;
using Ferry.Aws.SigV4.Streaming;

namespace Ferry.Aws.Tests.SigV4.Streaming;

/// <summary>
/// Chunk-signed uploads against the examples of AWS's documentation (sigv4-streaming.html: a 65,536-byte chunk and
/// a 1,024-byte chunk of 'a'; sigv4-streaming-trailers.html: the same with a CRC32C trailer), and every way such a
/// body can be broken.
/// </summary>
public sealed class AwsChunkedStreamTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string AmzDate = "20130524T000000Z";
    private const string Seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    private const string TrailerSeed = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";

    private static readonly byte[] Data = [.. Enumerable.Repeat((byte)'a', 65536 + 1024)];

    /// <summary>AWS's example body, byte for byte.</summary>
    private static byte[] AwsExample() => Wire(
        "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n", Data.AsSpan(0, 65536), "\r\n",
        "400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n", Data.AsSpan(0, 1024), "\r\n",
        "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n");

    private static byte[] AwsTrailerExample() => Wire(
        "10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2\r\n", Data.AsSpan(0, 65536), "\r\n",
        "400;chunk-signature=1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7\r\n", Data.AsSpan(0, 1024), "\r\n",
        "0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n",
        "x-amz-checksum-crc32c:sOO8/Q==\r\n",
        "x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n",
        "\r\n");

    private static ChunkSignatureChain Chain(string seed, string secret = Secret) => ChunkSignatureChain.Create(secret, AmzDate, "us-east-1", "s3", seed);

    [Fact]
    public async Task AwsExample_Verifies_AndPassesThroughByteForByte()
    {
        var body = AwsExample();
        Assert.Equal(body, await ReadAllAsync(AwsChunkedStream.Verifying(new MemoryStream(body), Chain(Seed), trailer: false, decodedLength: 66560)));
    }

    [Fact]
    public async Task AwsTrailerExample_Verifies_AndPassesThroughByteForByte()
    {
        var body = AwsTrailerExample();
        Assert.Equal(body, await ReadAllAsync(AwsChunkedStream.Verifying(new MemoryStream(body), Chain(TrailerSeed), trailer: true, decodedLength: 66560)));
    }

    [Fact]
    public async Task ReadOneByteAtATime_StillVerifies()
    {
        var body = AwsTrailerExample();
        Assert.Equal(body, await ReadAllAsync(AwsChunkedStream.Verifying(new TrickleStream(body), Chain(TrailerSeed), trailer: true, decodedLength: null)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Resigned_VerifiesUnderTheNewChain_KeepsLengthAndData_AndNoOldSignatureSurvives(bool trailer)
    {
        var body = trailer ? AwsTrailerExample() : AwsExample();
        const string newSeed = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        const string newSecret = "role/secret+key";
        var resigned = await ReadAllAsync(AwsChunkedStream.Resigning(new MemoryStream(body), Chain(newSeed, newSecret), trailer, decodedLength: 66560));

        Assert.Equal(body.Length, resigned.Length);
        Assert.Equal(body, await ReadAllAsync(AwsChunkedStream.Resigning(new MemoryStream(resigned), Chain(trailer ? TrailerSeed : Seed), trailer, decodedLength: null)));
        Assert.Equal(resigned, await ReadAllAsync(AwsChunkedStream.Verifying(new MemoryStream(resigned), Chain(newSeed, newSecret), trailer, decodedLength: 66560)));
        var text = Encoding.Latin1.GetString(resigned);
        foreach (var old in Encoding.Latin1.GetString(body).Split("signature")[1..].Select(s => s.Substring(1, 64)))
        {
            Assert.DoesNotContain(old, text, StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<AwsChunkedException>(() => ReadAllAsync(AwsChunkedStream.Verifying(new MemoryStream(resigned), Chain(Seed), trailer, null)));
    }

    [Fact]
    public async Task ATamperedChunkSignature_IsRefused_NamingTheChunk()
    {
        var body = Replace(AwsExample(), "0055627c", "0055627d");
        var error = await Assert.ThrowsAsync<AwsChunkedException>(() => VerifyAsync(body));
        Assert.Equal("chunk-signed upload, chunk 2: its chunk signature does not match", error.Message);
    }

    [Fact]
    public async Task TamperedData_IsRefused()
    {
        var body = AwsExample();
        body[100] = (byte)'b';
        var error = await Assert.ThrowsAsync<AwsChunkedException>(() => VerifyAsync(body));
        Assert.Contains("chunk 1: its chunk signature does not match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunksInAnotherOrder_AreRefused()
    {
        // Each chunk is signed correctly in itself; the chain ties it to its place.
        var first = "400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" + new string('a', 1024) + "\r\n";
        var second = "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" + new string('a', 65536) + "\r\n";
        var body = Encoding.ASCII.GetBytes(first + second + "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n");
        await Assert.ThrowsAsync<AwsChunkedException>(() => VerifyAsync(body));
    }

    [Fact]
    public async Task ASizeThatDoesNotMatchTheData_IsRefused()
    {
        var body = Replace(AwsExample(), "400;chunk", "3ff;chunk");
        var error = await Assert.ThrowsAsync<AwsChunkedException>(() => VerifyAsync(body));
        Assert.Equal("chunk-signed upload, chunk 2: its data is not followed by CRLF: the size in its header (1023 bytes) does not match the data sent", error.Message);
    }

    [Fact]
    public async Task ABodyThatEndsEarly_IsRefused()
    {
        var body = AwsExample()[..60000];
        var error = await Assert.ThrowsAsync<AwsChunkedException>(() => VerifyAsync(body));
        Assert.Contains("ended", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BytesAfterTheEnd_AreRefused()
    {
        var error = await Assert.ThrowsAsync<AwsChunkedException>(() => VerifyAsync([.. AwsExample(), .. "x"u8]));
        Assert.Contains("bytes follow the end of the upload", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoreOrFewerBytesThanDeclared_AreRefused()
    {
        var more = await Assert.ThrowsAsync<AwsChunkedException>(() => ReadAllAsync(AwsChunkedStream.Verifying(new MemoryStream(AwsExample()), Chain(Seed), false, decodedLength: 1000)));
        Assert.Contains("more than the 1000 bytes X-Amz-Decoded-Content-Length declares", more.Message, StringComparison.Ordinal);
        var fewer = await Assert.ThrowsAsync<AwsChunkedException>(() => ReadAllAsync(AwsChunkedStream.Verifying(new MemoryStream(AwsExample()), Chain(Seed), false, decodedLength: 70000)));
        Assert.Contains("carry 66560 bytes, not the 70000", fewer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATamperedTrailer_OrAMissingTrailerSignature_IsRefused()
    {
        var tampered = Replace(AwsTrailerExample(), "sOO8/Q==", "AAAAAA==");
        var error = await Assert.ThrowsAsync<AwsChunkedException>(() => ReadAllAsync(AwsChunkedStream.Verifying(new MemoryStream(tampered), Chain(TrailerSeed), true, null)));
        Assert.Contains("its trailer signature does not match", error.Message, StringComparison.Ordinal);

        var unsigned = Replace(AwsTrailerExample(), "x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n", "");
        error = await Assert.ThrowsAsync<AwsChunkedException>(() => ReadAllAsync(AwsChunkedStream.Verifying(new MemoryStream(unsigned), Chain(TrailerSeed), true, null)));
        Assert.Contains("sent no x-amz-trailer-signature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrailersInAnUploadThatDeclaredNone_AreRefused()
    {
        // Trailers are outside the chunk chain: accepting undeclared ones would let anyone append headers.
        var body = Replace(AwsExample(), "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n",
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n");
        var error = await Assert.ThrowsAsync<AwsChunkedException>(() => VerifyAsync(body));
        Assert.Contains("declares none", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10000\r\n")]
    [InlineData("10000;chunk-signature=abc\r\n")]
    [InlineData("zz;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n")]
    [InlineData("7fffffff;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n")]
    [InlineData("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\n")]
    public async Task MalformedHeaders_AreRefused_BeforeAnyDataIsYielded(string header)
    {
        var stream = AwsChunkedStream.Verifying(new MemoryStream(Wire(header, Data.AsSpan(0, 65536), "\r\n")), Chain(Seed), false, null);
        await Assert.ThrowsAsync<AwsChunkedException>(async () => await stream.PrimeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AnEndlessHeaderLine_IsRefused_WithoutReadingItAll()
    {
        var stream = AwsChunkedStream.Verifying(new MemoryStream(Encoding.ASCII.GetBytes(new string('1', 1 << 20))), Chain(Seed), false, null);
        var error = await Assert.ThrowsAsync<AwsChunkedException>(async () => await stream.PrimeAsync(CancellationToken.None));
        Assert.Contains("longer than 4096 bytes", error.Message, StringComparison.Ordinal);
    }

    private static Task<byte[]> VerifyAsync(byte[] body) => ReadAllAsync(AwsChunkedStream.Verifying(new MemoryStream(body), Chain(Seed), trailer: false, decodedLength: null));

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, 7919); // an odd buffer size: reads end mid-chunk
            return copy.ToArray();
        }
    }

    private static byte[] Replace(byte[] body, string from, string to)
    {
        var text = Encoding.Latin1.GetString(body);
        Assert.Contains(from, text, StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }


    private static byte[] Wire(string a, ReadOnlySpan<byte> b, string c) => [.. Encoding.ASCII.GetBytes(a), .. b, .. Encoding.ASCII.GetBytes(c)];

    private static byte[] Wire(string a, ReadOnlySpan<byte> b, string c, string d, ReadOnlySpan<byte> e, string f, string g) =>
        [.. Wire(a, b, c), .. Wire(d, e, f), .. Encoding.ASCII.GetBytes(g)];

    private static byte[] Wire(string a, ReadOnlySpan<byte> b, string c, string d, ReadOnlySpan<byte> e, string f, string g, string h, string i, string j) =>
        [.. Wire(a, b, c, d, e, f, g), .. Encoding.ASCII.GetBytes(h + i + j)];

    /// <summary>A body that arrives a byte at a time, as a slow network may deliver it.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
