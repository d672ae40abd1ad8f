namespace Ferry.Core.Yaml;

/// <summary>"Did you mean" hints: the closest known name by edit distance, when it is close enough to be a typo.</summary>
public static class Suggestions
{
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(input.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance || (distance == bestDistance && string.CompareOrdinal(candidate, best) < 0))
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        // A third of the length (at least 2) catches transpositions and missing letters without suggesting unrelated words.
        var limit = Math.Max(2, input.Length / 3);
        return best is not null && bestDistance <= limit ? best : null;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions, the commonest typo).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }

    /// <summary>Hint text for an unknown name: a suggestion if one is close, else the list of accepted names.</summary>
    public static string Hint(string input, IReadOnlyCollection<string> candidates, string listPrefix = "expected one of")
    {
        var closest = Closest(input, candidates);
        if (closest is not null)
        {
            return $"did you mean \"{closest}\"?";
        }
        return $"{listPrefix}: {string.Join(", ", candidates.Order(StringComparer.Ordinal))}";
    }
}
