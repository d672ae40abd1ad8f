using Ferry.Core.Errors;
using Ferry.Core.Time;

namespace Ferry.Core.Tests.Time;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("12h", 12 * 3600)]
    [InlineData("30m", 30 * 60)]
    [InlineData("1h30m", 5400)]
    [InlineData("90s", 90)]
    [InlineData("12h0m0s", 12 * 3600)]
    [InlineData("1.5h", 5400)]
    [InlineData("0", 0)]
    [InlineData("-1m", -60)]
    [InlineData("500ms", 0.5)]
    public void Parse_GoForms_ReturnsDuration(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), GoDuration.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("12 hours")]
    [InlineData("1d")]
    [InlineData("h")]
    [InlineData("1h-30m")]
    public void Parse_Invalid_ThrowsBadParameterWithHint(string text)
    {
        var ex = Assert.Throws<FerryException>(() => GoDuration.Parse(text));
        Assert.Equal(ErrorKind.BadParameter, ex.Kind);
        Assert.Contains("invalid duration", ex.Message);
    }

    [Theory]
    [InlineData(12 * 3600, "12h0m0s")]
    [InlineData(30 * 60, "30m0s")]
    [InlineData(90, "1m30s")]
    [InlineData(5, "5s")]
    [InlineData(0, "0s")]
    [InlineData(1.5, "1.5s")]
    [InlineData(0.25, "250ms")]
    [InlineData(30 * 3600 + 1, "30h0m1s")]
    public void Format_LikeGo(double seconds, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData("12h")]
    [InlineData("1h30m")]
    [InlineData("1m30.5s")]
    public void FormatThenParse_RoundTrips(string text)
    {
        var value = GoDuration.Parse(text);
        Assert.Equal(value, GoDuration.Parse(GoDuration.Format(value)));
    }
}
