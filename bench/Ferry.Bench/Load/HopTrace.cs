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
/// show on which way the added time is spent, and the path without tsh splits tsh from proxy + tunnel + agent.
/// </summary>
internal static class HopTrace
{
    /// <summary>
    /// Runs <paramref name="rounds"/> rounds in which every path makes <paramref name="callsPerRound"/> sequential
    /// calls in turn (after a few unmeasured ones), so a busy moment of the machine hits all paths alike.
    /// </summary>
    public static async Task<IReadOnlyList<HopLegs>> MeasureAsync(IReadOnlyList<AmazonDynamoDBClient> paths, GetItemRequest request, StaticDynamoDb upstream,
        int rounds, int callsPerRound, CancellationToken cancellationToken)
    {
        var legs = paths.Select(_ => new List<(long Request, long Upstream, long Response, long Total)>()).ToList();
        for (var round = 0; round < rounds; round++)
        {
            for (var p = 0; p < paths.Count; p++)
            {
                var client = paths[p];
                for (var i = 0; i < 10; i++)
                {
                    await client.GetItemAsync(request, cancellationToken);
                }

                var calls = new (long Start, long End)[callsPerRound];
                upstream.StartTrace();
                for (var i = 0; i < callsPerRound; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    await client.GetItemAsync(request, cancellationToken);
                    calls[i] = (start, Stopwatch.GetTimestamp());
                }

                var probes = upstream.StopTrace();
                if (probes.Count != callsPerRound)
                {
                    throw new InvalidOperationException($"hop trace: {callsPerRound} calls but the upstream saw {probes.Count}");
                }

                for (var i = 0; i < callsPerRound; i++)
                {
                    legs[p].Add((probes[i].Arrived - calls[i].Start, probes[i].Answered - probes[i].Arrived, calls[i].End - probes[i].Answered, calls[i].End - calls[i].Start));
                }
            }
        }

        return legs.Select(l => new HopLegs(
            Median(l.Select(x => x.Request)), Median(l.Select(x => x.Upstream)), Median(l.Select(x => x.Response)), Median(l.Select(x => x.Total)))).ToList();
    }

    private static double Median(IEnumerable<long> ticks)
    {
        var sorted = ticks.Order().ToList();
        return sorted[sorted.Count / 2] * 1000.0 / Stopwatch.Frequency;
    }
}

/// <summary>Median milliseconds of each leg of one call (each a median on its own, so they need not add up to Total).</summary>
internal sealed record HopLegs(double RequestMs, double UpstreamMs, double ResponseMs, double TotalMs);
