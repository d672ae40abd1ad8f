using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ferry.Bench.Setup;

namespace Ferry.Bench.Load;

/// <summary>
/// Splits one client's GetItem into legs, using the static upstream (in this process, same clock) as a probe:
/// <code>
///   client start ──request leg──► upstream arrival ──upstream──► answer handed to Kestrel ──response leg──► client end
/// </code>
/// Sequential calls only, so the n-th arrival is the n-th call. Medians of each leg, direct and through Ferry,
/// show on which way the added time is spent.
/// </summary>
internal static class HopTrace
{
    public static async Task<HopLegs> MeasureAsync(AmazonDynamoDBClient client, GetItemRequest request, StaticDynamoDb upstream, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 50; i++)
        {
            await client.GetItemAsync(request, cancellationToken);
        }

        var calls = new (long Start, long End)[count];
        upstream.StartTrace();
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.GetItemAsync(request, cancellationToken);
            calls[i] = (start, Stopwatch.GetTimestamp());
        }

        var probes = upstream.StopTrace();
        if (probes.Count != count)
        {
            throw new InvalidOperationException($"hop trace: {count} calls but the upstream saw {probes.Count}");
        }

        double Median(Func<int, long> ticks)
        {
            var values = Enumerable.Range(0, count).Select(i => ticks(i) * 1000.0 / Stopwatch.Frequency).Order().ToList();
            return values[count / 2];
        }

        return new HopLegs(
            Median(i => probes[i].Arrived - calls[i].Start),
            Median(i => probes[i].Answered - probes[i].Arrived),
            Median(i => calls[i].End - probes[i].Answered),
            Median(i => calls[i].End - calls[i].Start));
    }
}

/// <summary>Median milliseconds of each leg of one call (each a median on its own, so they need not add up to Total).</summary>
internal sealed record HopLegs(double RequestMs, double UpstreamMs, double ResponseMs, double TotalMs);
