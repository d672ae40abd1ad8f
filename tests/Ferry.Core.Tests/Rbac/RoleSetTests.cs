using System.Text.Json;
using Ferry.Core.Rbac;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Core.Tests.Rbac;

public sealed class RoleSetTests
{
    private const string ArnA = "arn:aws:iam::123456789012:role/A";
    private const string ArnB = "arn:aws:iam::123456789012:role/B";
    private const string ArnOther = "arn:aws:iam::210987654321:role/Other";

    private static readonly App DevApp = MakeApp("aws-dev", new() { ["env"] = "dev" });
    private static readonly App ProdApp = MakeApp("aws-prod", new() { ["env"] = "prod" });

    private static App MakeApp(string name, Dictionary<string, string> labels) => new()
    {
        Metadata = new ResourceMetadata { Name = name, Labels = labels },
        Spec = new AppSpec { Uri = "https://console.aws.amazon.com/" },
    };

    private static Role MakeRole(
        string name,
        Dictionary<string, IReadOnlyList<string>>? allowLabels = null,
        string[]? allowArns = null,
        Dictionary<string, IReadOnlyList<string>>? denyLabels = null,
        string[]? denyArns = null,
        TimeSpan? ttl = null) => new()
    {
        Metadata = new ResourceMetadata { Name = name },
        Spec = new RoleSpec
        {
            Options = new RoleOptions { MaxSessionTtl = ttl },
            Allow = new RoleConditions { AppLabels = allowLabels ?? new(), AwsRoleArns = allowArns ?? [] },
            Deny = new RoleConditions { AppLabels = denyLabels ?? new(), AwsRoleArns = denyArns ?? [] },
        },
    };

    private static Dictionary<string, IReadOnlyList<string>> Labels(string key, params string[] values) => new() { [key] = values };

    private static readonly Role AllowAllA = MakeRole("allow-a", Labels("*", "*"), [ArnA]);
    private static readonly Role AllowDevB = MakeRole("allow-dev-b", Labels("env", "dev"), [ArnB]);

    public static TheoryData<string, Role[], App, string, bool> DecisionCases => new()
    {
        { "allowed by labels and ARN", [AllowAllA], DevApp, ArnA, true },
        { "ARN not listed", [AllowAllA], DevApp, ArnB, false },
        { "labels must match in the same role as the ARN", [AllowAllA, AllowDevB], ProdApp, ArnB, false },
        { "second role grants on matching app", [AllowAllA, AllowDevB], DevApp, ArnB, true },
        { "no roles", [], DevApp, ArnA, false },
        { "empty allow labels match nothing", [MakeRole("r", null, [ArnA])], DevApp, ArnA, false },
        { "deny labels deny whole app", [AllowAllA, MakeRole("d", denyLabels: Labels("env", "dev"))], DevApp, ArnA, false },
        { "deny labels on other app do not deny", [AllowAllA, MakeRole("d", denyLabels: Labels("env", "prod"))], DevApp, ArnA, true },
        { "deny ARN without label match", [AllowAllA, MakeRole("d", denyArns: [ArnA])], DevApp, ArnA, false },
        { "deny ARN only denies that ARN", [MakeRole("r", Labels("*", "*"), [ArnA, ArnB], denyArns: [ArnB])], DevApp, ArnA, true },
        { "deny in same role wins", [MakeRole("r", Labels("*", "*"), [ArnA], denyArns: [ArnA])], DevApp, ArnA, false },
        { "deny wildcard labels deny everything", [AllowAllA, MakeRole("d", denyLabels: Labels("*", "*"))], ProdApp, ArnA, false },
        { "invalid ARN never allowed", [MakeRole("r", Labels("*", "*"), ["not-an-arn"])], DevApp, "not-an-arn", false },
        { "ARN match is exact", [AllowAllA], DevApp, ArnA.ToUpperInvariant(), false },
    };

    [Theory]
    [MemberData(nameof(DecisionCases))]
    public void CheckAppAccess_DenyWinsMatrix(string name, Role[] roles, App app, string arn, bool expected)
    {
        var decision = new RoleSet(roles, null).CheckAppAccess(app, arn);
        Assert.True(expected == decision.Allowed, $"{name}: {decision.Reason}");
        Assert.NotEmpty(decision.Reason);
    }

    [Fact]
    public void CheckAppAccess_TemplateFromInternalTraits()
    {
        var traits = new Dictionary<string, IReadOnlyList<string>> { ["aws_role_arns"] = [ArnA, ArnB] };
        var set = new RoleSet([BuiltinRoles.Access], traits);
        Assert.True(set.CheckAppAccess(DevApp, ArnB).Allowed);
        Assert.False(set.CheckAppAccess(DevApp, ArnOther).Allowed);
        Assert.False(new RoleSet([BuiltinRoles.Access], null).CheckAppAccess(DevApp, ArnA).Allowed);
    }

    [Fact]
    public void CheckAppAccess_LabelTemplates_Expanded()
    {
        var role = MakeRole("r", Labels("env", "{{internal.envs}}"), [ArnA]);
        var set = new RoleSet([role], new Dictionary<string, IReadOnlyList<string>> { ["envs"] = ["staging", "dev"] });
        Assert.True(set.CheckAppAccess(DevApp, ArnA).Allowed);
        Assert.False(set.CheckAppAccess(ProdApp, ArnA).Allowed);
    }

    [Fact]
    public void ForUser_UsesUserTraits()
    {
        var user = new User
        {
            Metadata = new ResourceMetadata { Name = "alice" },
            Spec = new UserSpec { Roles = ["access"], Traits = new Dictionary<string, IReadOnlyList<string>> { ["aws_role_arns"] = [ArnA] } },
        };
        Assert.Equal([ArnA], RoleSet.ForUser(user, BuiltinRoles.All).AllowedAwsRoleArns(DevApp));
    }

    [Fact]
    public void CanSeeApp_AllowMatchAndNoDenyMatch()
    {
        Assert.True(new RoleSet([AllowDevB], null).CanSeeApp(DevApp));
        Assert.False(new RoleSet([AllowDevB], null).CanSeeApp(ProdApp));
        Assert.False(new RoleSet([AllowAllA, MakeRole("d", denyLabels: Labels("env", "dev"))], null).CanSeeApp(DevApp));
        // A deny ARN does not hide the app.
        Assert.True(new RoleSet([AllowAllA, MakeRole("d", denyArns: [ArnA])], null).CanSeeApp(DevApp));
    }

    [Fact]
    public void AllowedAwsRoleArns_UnionMinusDenySortedValidOnly()
    {
        var roles = new[]
        {
            MakeRole("one", Labels("*", "*"), [ArnB, "bad-arn", ArnOther]),
            MakeRole("two", Labels("env", "dev"), [ArnA, ArnB, "arn:aws:iam::123456789012:role/Denied"]),
            MakeRole("three", Labels("env", "prod"), ["arn:aws:iam::123456789012:role/ProdOnly"]),
            MakeRole("deny", denyArns: ["arn:aws:iam::123456789012:role/Denied"]),
        };
        var set = new RoleSet(roles, null);
        Assert.Equal([ArnA, ArnB, ArnOther], set.AllowedAwsRoleArns(DevApp));
    }

    [Fact]
    public void AllowedAwsRoleArns_FilteredToAppAccount()
    {
        var app = MakeApp("acct", new() { ["aws_account_id"] = "210987654321" });
        var set = new RoleSet([MakeRole("r", Labels("*", "*"), [ArnA, ArnB, ArnOther])], null);
        Assert.Equal([ArnOther], set.AllowedAwsRoleArns(app));
    }

    [Fact]
    public void AllowedAwsRoleArns_DenyLabels_Empty()
    {
        var set = new RoleSet([AllowAllA, MakeRole("d", denyLabels: Labels("env", "*"))], null);
        Assert.Empty(set.AllowedAwsRoleArns(DevApp));
    }

    [Theory]
    [InlineData(new double[0], 12)]
    [InlineData(new[] { 8.0 }, 8)]
    [InlineData(new[] { 30.0, 4 }, 4)]
    [InlineData(new[] { 30.0, -1 }, 12)] // -1: role without max_session_ttl counts as the 12h default
    [InlineData(new[] { 30.0 }, 30)]
    public void MaxSessionTtl_MinimumOfRoles(double[] hours, double expected)
    {
        var roles = hours.Select((h, i) => MakeRole($"r{i}", ttl: h < 0 ? null : TimeSpan.FromHours(h)));
        var set = new RoleSet(roles, null);
        Assert.Equal(TimeSpan.FromHours(expected), set.MaxSessionTtl);
    }

    [Fact]
    public void AdjustSessionTtl_CapsAndDefaults()
    {
        var set = new RoleSet([MakeRole("r", ttl: TimeSpan.FromHours(8))], null);
        Assert.Equal(TimeSpan.FromHours(8), set.AdjustSessionTtl(TimeSpan.FromHours(30)));
        Assert.Equal(TimeSpan.FromHours(1), set.AdjustSessionTtl(TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromHours(8), set.AdjustSessionTtl(TimeSpan.Zero));
    }

    [Theory]
    [InlineData("editor", "role", "create", true)]
    [InlineData("editor", "user", "delete", true)]
    [InlineData("editor", "event", "list", true)]
    [InlineData("editor", "event", "delete", false)]
    [InlineData("auditor", "event", "read", true)]
    [InlineData("auditor", "session", "list", true)]
    [InlineData("auditor", "role", "read", false)]
    [InlineData("access", "app_server", "list", true)]
    [InlineData("access", "role", "list", false)]
    public void CheckAccessToRule_BuiltinRoles(string roleName, string kind, string verb, bool expected)
    {
        var set = new RoleSet([BuiltinRoles.All.Single(r => r.Name == roleName)], null);
        Assert.Equal(expected, set.CheckAccessToRule(kind, verb));
    }

    [Fact]
    public void CheckAccessToRule_WildcardsAndDenyWins()
    {
        var admin = new Role
        {
            Metadata = new ResourceMetadata { Name = "admin" },
            Spec = new RoleSpec
            {
                Allow = new RoleConditions { Rules = [new RoleRule { Resources = ["*"], Verbs = ["*"] }] },
                Deny = new RoleConditions { Rules = [new RoleRule { Resources = ["token"], Verbs = ["delete"] }] },
            },
        };
        var set = new RoleSet([admin], null);
        Assert.True(set.CheckAccessToRule("role", "update"));
        Assert.True(set.CheckAccessToRule("token", "create"));
        Assert.False(set.CheckAccessToRule("token", "delete"));
        var denyAll = admin with { Spec = admin.Spec with { Deny = new RoleConditions { Rules = [new RoleRule { Resources = ["*"], Verbs = ["*"] }] } } };
        Assert.False(new RoleSet([denyAll, BuiltinRoles.Editor], null).CheckAccessToRule("role", "read"));
    }

    [Fact]
    public void UnevaluatedKeys_FailClosed()
    {
        var yaml = """
            kind: role
            version: v7
            metadata: {name: expr}
            spec:
              allow:
                app_labels: {'*': '*'}
                app_labels_expression: 'labels["env"] == "dev"'
                aws_role_arns: ['arn:aws:iam::123456789012:role/A']
                rules:
                - resources: [role]
                  verbs: [read]
                  where: 'false'
            """;
        var role = (Role)ResourceCodec.ParseYaml(yaml).Single();
        var set = new RoleSet([role], null);
        Assert.False(set.CheckAppAccess(DevApp, ArnA).Allowed);
        Assert.False(set.CheckAccessToRule("role", "read"));

        var denyExpr = MakeRole("d") with
        {
            Spec = new RoleSpec
            {
                Deny = new RoleConditions { Extra = new Dictionary<string, JsonElement> { ["app_labels_expression"] = JsonSerializer.SerializeToElement("x") } },
            },
        };
        Assert.False(new RoleSet([AllowAllA, denyExpr], null).CheckAppAccess(DevApp, ArnA).Allowed);
    }
}
