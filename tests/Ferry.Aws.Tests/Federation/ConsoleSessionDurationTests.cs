using Ferry.Aws.Federation;
using Ferry.Core.Errors;

namespace Ferry.Aws.Tests.Federation;

public sealed class ConsoleSessionDurationTests
{
    [Theory]
    // identity remaining (minutes), temporary agent creds, expected duration (minutes), AssumeRole DurationSeconds, SessionDuration
    [InlineData(24 * 60, false, 12 * 60, null, 43200)]
    [InlineData(5 * 60, false, 5 * 60, null, 18000)]
    [InlineData(24 * 60, true, 60, 3600, null)]
    [InlineData(30, true, 30, 1800, null)]
    [InlineData(15, false, 15, null, 900)]
    public void Compute_Caps(int remainingMinutes, bool temporary, int expectedMinutes, int? assumeRole, int? session)
    {
        var d = ConsoleSessionDuration.Compute(TimeSpan.FromMinutes(remainingMinutes), temporary);

        Assert.Equal(TimeSpan.FromMinutes(expectedMinutes), d.Duration);
        Assert.Equal(assumeRole, d.AssumeRoleDurationSeconds);
        Assert.Equal(session, d.SigninSessionDurationSeconds);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Compute_Under15Minutes_AccessDenied(bool temporary)
    {
        var e = Assert.Throws<FerryException>(() => ConsoleSessionDuration.Compute(TimeSpan.FromMinutes(10), temporary));

        Assert.Equal(ErrorKind.AccessDenied, e.Kind);
        Assert.Equal("minimum AWS session duration is 15m0s but the Ferry identity expires in 10m0s: log in to the app again and retry", e.Message);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(59, "59s")]
    [InlineData(900, "15m0s")]
    [InlineData(3723, "1h2m3s")]
    [InlineData(43200, "12h0m0s")]
    public void FormatGo_LikeGoDurations(int seconds, string expected)
    {
        Assert.Equal(expected, ConsoleSessionDuration.FormatGo(TimeSpan.FromSeconds(seconds)));
    }
}
