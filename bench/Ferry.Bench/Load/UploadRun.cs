using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Ferry.Bench.Setup;

namespace Ferry.Bench.Load;

/// <summary>
/// One 1 GiB PutObject with the AWS SDK for .NET's defaults (chunk-signed, CRC32 trailer) through the full chain to
/// the static upstream (which drains it), while every Ferry process's resident memory is sampled: streaming means
/// none of them grows with the body (docs/aws-services.md "Signing modes").
/// </summary>
internal static class UploadRun
{
    public const long Size = 1L << 30;

    public static async Task<UploadResult> MeasureAsync(TshAwsProxy endpoint, IReadOnlyList<(string Name, Func<int> Pid)> processes, CancellationToken cancellationToken)
    {
        var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.RemoteCertificateValidationCallback = new CaTrust(endpoint.Settings["AWS_CA_BUNDLE"]).Validate;
        using var _ = handler;
        using var client = new AmazonS3Client(new BasicAWSCredentials(endpoint.Settings["AWS_ACCESS_KEY_ID"], endpoint.Settings["AWS_SECRET_ACCESS_KEY"]), new AmazonS3Config
        {
            ServiceURL = endpoint.EndpointUrl,
            AuthenticationRegion = AwsSandbox.Region,
            ForcePathStyle = true,
            IgnoreConfiguredEndpointUrls = true,
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromMinutes(10),
            HttpClientFactory = new HandlerHttpClientFactory(handler),
        });

        // A warm-up PUT first, so what grows during the big one is the body's doing, not first-use allocations.
        await client.PutObjectAsync(new PutObjectRequest { BucketName = "ferry-bench", Key = "warm-up.bin", InputStream = new PatternStream(8 << 20) }, cancellationToken);
        var before = processes.Select(p => ResidentMb(p.Pid())).ToArray();
        var peak = (double[])before.Clone();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                for (var i = 0; i < processes.Count; i++)
                {
                    peak[i] = Math.Max(peak[i], ResidentMb(processes[i].Pid()));
                }

                try
                {
                    await Task.Delay(50, sampling.Token); // a sampling period, not synchronisation
                }
                catch (OperationCanceledException)
                {
                }
            }
        }, CancellationToken.None);

        var started = Stopwatch.GetTimestamp();
        var response = await client.PutObjectAsync(new PutObjectRequest { BucketName = "ferry-bench", Key = "one-gib.bin", InputStream = new PatternStream(Size) }, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        if (response.HttpStatusCode != System.Net.HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"the 1 GiB PutObject answered {response.HttpStatusCode}");
        }

        return new UploadResult(Size, seconds, Size / seconds / (1 << 20),
            [.. processes.Select((p, i) => new UploadMemory(p.Name, Math.Round(before[i], 1), Math.Round(peak[i], 1)))]);
    }

    private static double ResidentMb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return 0;
    }

    /// <summary>A seekable body of any length made up on the fly, so the bench process holds none of it.</summary>
    private sealed class PatternStream(long length) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - Position);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = (byte)((Position + i) * 31 % 251);
            }

            Position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

internal sealed record UploadMemory(string Process, double BeforeMb, double PeakMb)
{
    public double GrowthMb => Math.Round(PeakMb - BeforeMb, 1);
}

internal sealed record UploadResult(long Bytes, double Seconds, double MbPerSecond, IReadOnlyList<UploadMemory> Memory);
