using Ferry.Core.Rbac;

namespace Ferry.Core.Tests.Rbac;

public sealed class LabelMatcherTests
{
    private static readonly Dictionary<string, string> AppLabels = new()
    {
        ["env"] = "dev",
        ["team"] = "platform-eu",
        ["aws_account_id"] = "123456789012",
    };

    public static TheoryData<string, Dictionary<string, IReadOnlyList<string>>, bool> Cases => new()
    {
        { "empty selector matches nothing", new(), false },
        { "wildcard matches all", new() { ["*"] = ["*"] }, true },
        { "wildcard with other keys still matches all", new() { ["*"] = ["*"], ["missing"] = ["x"] }, true },
        { "exact", new() { ["env"] = ["dev"] }, true },
        { "exact mismatch", new() { ["env"] = ["prod"] }, false },
        { "any value of the key", new() { ["env"] = ["*"] }, true },
        { "missing key", new() { ["region"] = ["*"] }, false },
        { "one of several values", new() { ["env"] = ["prod", "dev"] }, true },
        { "all keys must match", new() { ["env"] = ["dev"], ["team"] = ["other"] }, false },
        { "glob star", new() { ["team"] = ["platform-*"] }, true },
        { "glob question", new() { ["env"] = ["d?v"] }, true },
        { "glob no partial", new() { ["team"] = ["platform"] }, false },
        { "regex", new() { ["team"] = ["^platform-(eu|us)$"] }, true },
        { "regex mismatch", new() { ["team"] = ["^platform-us$"] }, false },
        { "regex anchored", new() { ["env"] = ["^de$"] }, false },
        { "dots are literal in globs", new() { ["env"] = ["d.v"] }, false },
        { "case sensitive", new() { ["env"] = ["DEV"] }, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_Table(string name, Dictionary<string, IReadOnlyList<string>> selector, bool expected)
    {
        Assert.True(expected == LabelMatcher.Matches(selector, AppLabels), name);
    }

    [Fact]
    public void Matches_EmptyTargetLabels_OnlyWildcardMatches()
    {
        var none = new Dictionary<string, string>();
        Assert.True(LabelMatcher.Matches(new Dictionary<string, IReadOnlyList<string>> { ["*"] = ["*"] }, none));
        Assert.False(LabelMatcher.Matches(new Dictionary<string, IReadOnlyList<string>> { ["env"] = ["*"] }, none));
    }

    [Theory]
    [InlineData("^(unclosed$")]
    [InlineData("^(a)\\1$")]
    public void ValidateValue_BadRegex_ReportsError(string pattern)
    {
        Assert.NotNull(LabelMatcher.ValidateValue(pattern));
    }

    [Theory]
    [InlineData("dev-*")]
    [InlineData("^dev-[0-9]+$")]
    [InlineData("(not a regex")]
    public void ValidateValue_Fine_ReturnsNull(string pattern)
    {
        Assert.Null(LabelMatcher.ValidateValue(pattern));
    }
}
