using System.Globalization;
using System.Text;
using Ferry.Core.Errors;

namespace Ferry.Aws.Federation;

/// <summary>
/// How long a console session lasts and where that length goes (docs/aws-access.md §3.4 steps 3–6): the remaining
/// identity TTL, capped at 12 h with long-lived agent credentials or 1 h with temporary ones (AWS limits role
/// chaining to 1 h); under 15 minutes the session is refused. Long-lived: AssumeRole gets no DurationSeconds and
/// getSigninToken gets SessionDuration. Temporary: AssumeRole gets DurationSeconds and getSigninToken must not get
/// SessionDuration (AWS rejects it for role-session credentials).
/// </summary>
public readonly record struct ConsoleSessionDuration(TimeSpan Duration, int? AssumeRoleDurationSeconds, int? SigninSessionDurationSeconds)
{
    public static readonly TimeSpan Minimum = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MaximumLongLived = TimeSpan.FromHours(12);
    public static readonly TimeSpan MaximumTemporary = TimeSpan.FromHours(1);

    /// <exception cref="FerryException">AccessDenied when the identity has less than 15 minutes left.</exception>
    public static ConsoleSessionDuration Compute(TimeSpan identityRemaining, bool baseCredentialsTemporary)
    {
        if (identityRemaining < Minimum)
        {
            throw FerryException.AccessDenied(
                $"minimum AWS session duration is {FormatGo(Minimum)} but the Ferry identity expires in {FormatGo(identityRemaining)}: "
                + "log in to the app again and retry");
        }

        var cap = baseCredentialsTemporary ? MaximumTemporary : MaximumLongLived;
        var duration = TimeSpan.FromSeconds(Math.Floor((identityRemaining < cap ? identityRemaining : cap).TotalSeconds));
        var seconds = (int)duration.TotalSeconds;
        return baseCredentialsTemporary ? new(duration, seconds, null) : new(duration, null, seconds);
    }

    /// <summary>Go's time.Duration.String for whole seconds ("15m0s", "1h2m3s"), as the reference prints it.</summary>
    internal static string FormatGo(TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            return "0s";
        }

        var total = (long)Math.Floor(value.TotalSeconds);
        var sb = new StringBuilder();
        if (total >= 3600)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{total / 3600}h");
        }

        if (total >= 60)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{total % 3600 / 60}m");
        }

        return sb.Append(CultureInfo.InvariantCulture, $"{total % 60}s").ToString();
    }
}
