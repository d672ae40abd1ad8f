using System.Diagnostics;
using System.Net;
using Ferry.LocalProxy.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ferry.LocalProxy.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchmarkCollection
{
    public const string Name = "Benchmark";
}

/// <summary>
/// Prints (does not assert) what the local proxy adds: median latency over 2000 sequential signed requests from
/// HttpClient, local proxy vs straight to the stand-in Ferry proxy, and throughput with 32 concurrent clients.
/// Run alone (its own non-parallel collection) and read the figures in the test output.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class LatencyBenchmarkTests(ITestOutputHelper output)
{
    private const int Sequential = 2000;
    private const int WarmUp = 300;
    private const int Clients = 32;
    private const int PerClient = 60;

    [Fact]
    public async Task LocalProxy_AddedLatencyAndThroughput_Printed()
    {
        await using var upstream = await StandInUpstream.StartAsync();
        upstream.Record = false;
        await using var proxyMode = await LocalProxyHarness.StartAsync(upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);
        await using var endpointMode = await LocalProxyHarness.StartAsync(upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        await using var http2 = await LocalProxyHarness.StartAsync(upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy, upstreamVersion: HttpVersion.Version20);

        using var direct = CreateDirectClient();
        using var viaProxy = proxyMode.CreateClient();
        using var viaEndpoint = endpointMode.CreateClient();
        using var viaHttp2 = http2.CreateClient();
        var credentials = proxyMode.Credentials;

        var lanes = new (string Name, HttpClient Client, Uri Url, Ferry.Aws.AwsCredentials Credentials)[]
        {
            ("direct to the Ferry proxy", direct, upstream.BaseAddress, credentials),
            ("HttpsProxy mode (CONNECT)", viaProxy, new Uri("https://dynamodb.us-east-1.amazonaws.com/"), proxyMode.Credentials),
            ("EndpointUrl mode", viaEndpoint, endpointMode.UrlFor("", "/"), endpointMode.Credentials),
            ("HttpsProxy mode, HTTP/2 upstream", viaHttp2, new Uri("https://dynamodb.us-east-1.amazonaws.com/"), http2.Credentials),
        };

        var medians = new Dictionary<string, double>();
        foreach (var (name, client, url, laneCredentials) in lanes)
        {
            await RunSequentialAsync(client, url, laneCredentials, WarmUp);
            var samples = await RunSequentialAsync(client, url, laneCredentials, Sequential);
            Array.Sort(samples);
            medians[name] = samples[samples.Length / 2];
            output.WriteLine($"{name,-34} p50 {samples[samples.Length / 2],7:0.000} ms  p90 {samples[samples.Length * 9 / 10],7:0.000} ms  p99 {samples[samples.Length * 99 / 100],7:0.000} ms");
        }

        foreach (var name in medians.Keys.Skip(1))
        {
            output.WriteLine($"added p50, {name}: {(medians[name] - medians[lanes[0].Name]) * 1000:0} µs");
        }

        var throughput = new Dictionary<string, double>();
        foreach (var (name, client, url, laneCredentials) in lanes)
        {
            await RunConcurrentAsync(client, url, laneCredentials, 10);
            throughput[name] = await RunConcurrentAsync(client, url, laneCredentials, PerClient);
            output.WriteLine($"{name,-34} {Clients} clients: {throughput[name],7:0} requests/s ({throughput[name] / throughput[lanes[0].Name]:0.00}× direct)");
        }

        Assert.True(medians.Values.All(m => m > 0));
    }

    private static async Task<double[]> RunSequentialAsync(HttpClient client, Uri url, Ferry.Aws.AwsCredentials credentials, int count)
    {
        // Signed up front: signing costs the same on every lane and is not what is measured.
        var requests = new HttpRequestMessage[count];
        for (var i = 0; i < count; i++)
        {
            requests[i] = await SignedRequests.ListTablesAsync(url, credentials);
        }

        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(requests[i]);
            await response.Content.ReadAsByteArrayAsync();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{url}: {response.StatusCode}");
            }

            requests[i].Dispose();
        }

        return samples;
    }

    private static async Task<double> RunConcurrentAsync(HttpClient client, Uri url, Ferry.Aws.AwsCredentials credentials, int perClient)
    {
        var requests = new HttpRequestMessage[Clients][];
        for (var c = 0; c < Clients; c++)
        {
            requests[c] = new HttpRequestMessage[perClient];
            for (var i = 0; i < perClient; i++)
            {
                requests[c][i] = await SignedRequests.ListTablesAsync(url, credentials);
            }
        }

        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            foreach (var request in requests[c])
            {
                using var response = await client.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                request.Dispose();
            }
        })));
        return Clients * perClient / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static HttpClient CreateDirectClient()
    {
        var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.ClientCertificates = [TestPki.Instance.AppCertificate];
        handler.SslOptions.RemoteCertificateValidationCallback = TestPki.Instance.ValidateServer;
        return new HttpClient(handler);
    }
}
