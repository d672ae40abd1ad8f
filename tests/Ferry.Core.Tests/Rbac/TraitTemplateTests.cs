using Ferry.Core.Errors;
using Ferry.Core.Rbac;

namespace Ferry.Core.Tests.Rbac;

public sealed class TraitTemplateTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> Internal = new()
    {
        ["aws_role_arns"] = ["arn:aws:iam::123456789012:role/A", "arn:aws:iam::123456789012:role/B", "arn:aws:iam::123456789012:role/A"],
        ["team"] = ["dev", "ops"],
        ["empty"] = [],
        ["some name"] = ["spaced"],
    };

    private static readonly Dictionary<string, IReadOnlyList<string>> External = new()
    {
        ["email"] = ["alice@example.com", "not-an-email"],
        ["groups"] = ["admins", "devs", "guests"],
    };

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/Literal", new[] { "arn:aws:iam::123456789012:role/Literal" })]
    [InlineData("{{internal.aws_role_arns}}", new[] { "arn:aws:iam::123456789012:role/A", "arn:aws:iam::123456789012:role/B" })]
    [InlineData("{{ internal.team }}", new[] { "dev", "ops" })]
    [InlineData("arn:aws:iam::123456789012:role/{{internal.team}}-ro", new[] { "arn:aws:iam::123456789012:role/dev-ro", "arn:aws:iam::123456789012:role/ops-ro" })]
    [InlineData("{{internal[\"some name\"]}}", new[] { "spaced" })]
    [InlineData("{{internal.missing}}", new string[0])]
    [InlineData("{{internal.empty}}", new string[0])]
    [InlineData("{{external.missing}}", new string[0])]
    [InlineData("{{email.local(external.email)}}", new[] { "alice" })]
    [InlineData("{{regexp.replace(external.groups, \"^(admins|devs)$\", \"team-$1\")}}", new[] { "team-admins", "team-devs" })]
    [InlineData("role/{{regexp.replace(external.groups, \"s$\", \"\")}}", new[] { "role/admin", "role/dev", "role/guest" })]
    public void Apply_Table(string value, string[] expected)
    {
        Assert.Equal(expected, TraitTemplate.Apply(value, Internal, External));
    }

    [Theory]
    [InlineData("{{interal.team}}", "did you mean \"internal\"")]
    [InlineData("{{foo.bar}}", "unknown namespace \"foo\"")]
    [InlineData("{{email.locl(external.email)}}", "did you mean \"email.local\"")]
    [InlineData("{{strings.upper(external.email)}}", "unknown function")]
    [InlineData("{{internal.team", "unbalanced")]
    [InlineData("internal.team}}", "unbalanced")]
    [InlineData("{{internal.a}}{{internal.b}}", "more than one")]
    [InlineData("{{internal}}", "expected \".\"")]
    [InlineData("{{internal.}}", "expected a name")]
    [InlineData("{{regexp.replace(internal.team, \"(\", \"x\")}}", "invalid regular expression")]
    [InlineData("{{regexp.replace(internal.team, \"a\")}}", "expected \",\"")]
    [InlineData("{{internal.team extra}}", "unexpected")]
    public void Parse_Invalid_ExplainsWhy(string value, string expected)
    {
        var ex = Assert.Throws<FerryException>(() => TraitTemplate.Parse(value));
        Assert.Contains(expected, ex.Message);
        Assert.Empty(TraitTemplate.Apply(value, Internal, External));
    }

    [Fact]
    public void ApplyAll_DeduplicatesAcrossValues()
    {
        var result = TraitTemplate.ApplyAll(
            ["arn:aws:iam::123456789012:role/A", "{{internal.aws_role_arns}}"], Internal, External);
        Assert.Equal(["arn:aws:iam::123456789012:role/A", "arn:aws:iam::123456789012:role/B"], result);
    }
}
