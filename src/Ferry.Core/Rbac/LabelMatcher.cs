using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Ferry.Core.Rbac;

/// <summary>
/// Role label selectors against resource labels (docs/aws-access.md §4 "Label matching"): an empty selector matches
/// nothing; <c>'*': '*'</c> matches everything; a value <c>*</c> matches any value of its key; other values are globs
/// (<c>*</c>, <c>?</c>) or, written <c>^...$</c>, regular expressions. Every selector key must match; any of its values may.
/// </summary>
public static class LabelMatcher
{
    public const string Wildcard = "*";

    // Patterns come from role files (administrators), values from resources; the timeout bounds a bad pattern anyway.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether <paramref name="selector"/> matches <paramref name="labels"/>. A regex that times out counts as
    /// <paramref name="resultOnTimeout"/>: false for allow rules, true for deny rules, so a runaway pattern never grants.
    /// </summary>
    public static bool Matches(
        IReadOnlyDictionary<string, IReadOnlyList<string>> selector,
        IReadOnlyDictionary<string, string> labels,
        bool resultOnTimeout = false)
    {
        if (selector.Count == 0)
        {
            return false;
        }
        if (selector.TryGetValue(Wildcard, out var wildcardValues) && wildcardValues.Count == 1 && wildcardValues[0] == Wildcard)
        {
            return true;
        }
        foreach (var (key, patterns) in selector)
        {
            if (!labels.TryGetValue(key, out var value))
            {
                return false;
            }
            if (!patterns.Any(p => MatchesValue(p, value, resultOnTimeout)))
            {
                return false;
            }
        }
        return true;
    }

    public static bool MatchesValue(string pattern, string value, bool resultOnTimeout = false)
    {
        if (pattern == Wildcard)
        {
            return true;
        }
        if (!IsRegex(pattern) && !pattern.Contains('*') && !pattern.Contains('?'))
        {
            return string.Equals(pattern, value, StringComparison.Ordinal);
        }
        Regex regex;
        try
        {
            regex = Cache.GetOrAdd(pattern, static p => CompileRegex(IsRegex(p) ? p : GlobToRegex(p)));
        }
        catch (ArgumentException)
        {
            return resultOnTimeout; // invalid patterns are rejected on write; treat like a timeout (never grants)
        }
        try
        {
            return regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return resultOnTimeout;
        }
    }

    /// <summary>Null when the selector value is usable, else the regex compiler's complaint.</summary>
    public static string? ValidateValue(string pattern)
    {
        if (!IsRegex(pattern))
        {
            return null;
        }
        try
        {
            CompileRegex(pattern);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    public static bool IsRegex(string pattern) => pattern.Length >= 2 && pattern[0] == '^' && pattern[^1] == '$';

    /// <summary>
    /// Compiles with the non-backtracking engine: like Go's RE2 (which Teleport uses) it runs in linear time and rejects
    /// backreferences and lookarounds, so a pattern that works here means the same as it does in Teleport.
    /// </summary>
    internal static Regex CompileRegex(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (NotSupportedException ex)
        {
            // Backreferences, lookarounds and the like: RE2 rejects them too.
            throw new ArgumentException(ex.Message, nameof(pattern), ex);
        }
    }

    private static string GlobToRegex(string glob) =>
        "^" + Regex.Escape(glob).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
}
