using System.Globalization;

namespace Ferry.Core.Resources.Codec;

/// <summary>Times in resources are RFC 3339 in UTC with only as many fraction digits as needed, like Go's RFC3339Nano.</summary>
internal static class ResourceTime
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
