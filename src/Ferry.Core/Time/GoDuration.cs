using System.Globalization;
using System.Text;
using Ferry.Core.Errors;

namespace Ferry.Core.Time;

/// <summary>
/// Durations written the way Go's <c>time.ParseDuration</c> reads them and <c>Duration.String</c> prints them
/// ("12h", "1h30m", "90s", "1.5h"; printed as "12h0m0s"), because Teleport's role files and teleport.yaml use them.
/// </summary>
public static class GoDuration
{
    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("ns", 0), // below TimeSpan resolution: handled as a fraction of a tick
        ("us", 10), ("µs", 10), ("μs", 10),
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>Parses a Go duration; throws <see cref="FerryException"/> (BadParameter) with a hint on bad input.</summary>
    public static TimeSpan Parse(string text)
    {
        if (TryParse(text, out var value, out var error))
        {
            return value;
        }
        throw FerryException.BadParameter(error);
    }

    public static bool TryParse(string? text, out TimeSpan value) => TryParse(text, out value, out _);

    public static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        error = $"invalid duration \"{text}\": use a number with a unit (h, m, s, ms), e.g. \"12h\", \"30m\" or \"1h30m\"";
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s == "0")
        {
            return true;
        }
        if (s.Length == 0)
        {
            return false;
        }

        decimal totalTicks = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
            if (i == start || !decimal.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }
            var unit = s[unitStart..i];
            if (unit.Length == 0)
            {
                error = $"invalid duration \"{text}\": missing unit after {number}; use h, m, s or ms, e.g. \"{number}h\"";
                return false;
            }
            var ticksPerUnit = Array.Find(Units, u => u.Unit == unit);
            if (ticksPerUnit.Unit is null)
            {
                error = $"invalid duration \"{text}\": unknown unit \"{unit}\"; use h, m, s, ms, us or ns";
                return false;
            }
            try
            {
                totalTicks += ticksPerUnit.Unit == "ns" ? number / 100m : number * ticksPerUnit.Ticks;
            }
            catch (OverflowException)
            {
                error = $"invalid duration \"{text}\": too large";
                return false;
            }
        }

        if (totalTicks > TimeSpan.MaxValue.Ticks)
        {
            error = $"invalid duration \"{text}\": too large";
            return false;
        }
        var ticks = (long)decimal.Round(totalTicks, MidpointRounding.ToZero);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Formats like Go's <c>Duration.String</c>: "12h0m0s", "1m30s", "1.5s", "250ms", "0s".</summary>
    public static string Format(TimeSpan value)
    {
        var ticks = value.Ticks;
        if (ticks == 0)
        {
            return "0s";
        }
        var sb = new StringBuilder();
        if (ticks < 0)
        {
            sb.Append('-');
            ticks = -ticks; // TimeSpan.MinValue cannot be represented by Go either; not a concern for config values
        }

        if (ticks < TimeSpan.TicksPerSecond)
        {
            // Go switches to a smaller unit below one second.
            if (ticks < TimeSpan.TicksPerMillisecond)
            {
                return sb.Append(Fraction(ticks, 10)).Append("µs").ToString();
            }
            return sb.Append(Fraction(ticks, TimeSpan.TicksPerMillisecond)).Append("ms").ToString();
        }

        var hours = ticks / TimeSpan.TicksPerHour;
        var minutes = ticks % TimeSpan.TicksPerHour / TimeSpan.TicksPerMinute;
        var secondTicks = ticks % TimeSpan.TicksPerMinute;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }
        if (hours > 0 || minutes > 0)
        {
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }
        sb.Append(Fraction(secondTicks, TimeSpan.TicksPerSecond)).Append('s');
        return sb.ToString();
    }

    private static string Fraction(long ticks, long ticksPerUnit)
    {
        var value = (decimal)ticks / ticksPerUnit;
        return value.ToString("0.#########", CultureInfo.InvariantCulture);
    }
}
