namespace Ferry.Storage;

/// <summary>Key helpers shared by every typed service, so prefixes are built one way.</summary>
public static class KeyRange
{
    /// <summary>Joins parts with '/', with a leading '/': Key("users", "alice") = "/users/alice".</summary>
    public static string Key(params string[] parts) => "/" + string.Join('/', parts);

    /// <summary>The [start, end) range holding every key that starts with <paramref name="prefix"/>.</summary>
    public static (string Start, string End) Prefix(string prefix) => (prefix, RangeEnd(prefix));

    /// <summary>The smallest string greater than every string starting with <paramref name="prefix"/>.</summary>
    public static string RangeEnd(string prefix)
    {
        if (prefix.Length == 0)
        {
            return "\uffff";
        }

        var chars = prefix.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (chars[i] < char.MaxValue)
            {
                chars[i]++;
                return new string(chars, 0, i + 1);
            }
        }

        return "\uffff";
    }
}
