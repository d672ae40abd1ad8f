using System.Text.Json.Nodes;
using Ferry.Core.Errors;
using Ferry.Core.Yaml;

namespace Ferry.Core.Tests.Yaml;

public sealed class YamlMapTests
{
    private static (YamlMap Map, YamlDiagnostics Diagnostics) Load(string yaml)
    {
        var diagnostics = new YamlDiagnostics("test.yaml");
        var roots = YamlDocuments.Load(yaml, diagnostics);
        var map = YamlMap.From(roots.Count > 0 ? roots[0] : null, "", diagnostics)!;
        return (map, diagnostics);
    }

    [Fact]
    public void Finish_UnknownKey_ReportsLineAndHint()
    {
        var (map, d) = Load("spec:\n  allow:\n    app_lables:\n      env: dev\n");
        var allow = map.Map("spec")!.Map("allow")!;
        allow.Get("app_labels");
        allow.Get("aws_role_arns");
        allow.Finish();
        var problem = Assert.Single(d.Problems);
        Assert.Equal(3, problem.Line);
        Assert.Equal(5, problem.Column);
        Assert.Equal("spec.allow", problem.Path);
        Assert.Equal("test.yaml: unknown key \"app_lables\" at spec.allow (line 3, column 5): did you mean \"app_labels\"?", problem.ToString());
    }

    [Fact]
    public void Load_DuplicateKey_ReportsIt()
    {
        var (_, d) = Load("a: 1\nb: 2\na: 3\n");
        var problem = Assert.Single(d.Problems);
        Assert.Contains("uplicate key", problem.Message);
        Assert.Equal(3, problem.Line);
    }

    [Fact]
    public void Load_SyntaxError_ReportsPosition()
    {
        var (_, d) = Load("a: [1, 2\nb: 3\n");
        var problem = Assert.Single(d.Problems);
        Assert.StartsWith("invalid YAML", problem.Message);
        Assert.True(problem.Line > 0);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("No", false)]
    [InlineData("ON", true)]
    [InlineData("off", false)]
    [InlineData("true", true)]
    [InlineData("FALSE", false)]
    public void Bool_Yaml11Forms_Parse(string text, bool expected)
    {
        var (map, d) = Load($"enabled: {text}\n");
        Assert.Equal(expected, map.Bool("enabled"));
        Assert.False(d.HasProblems);
    }

    [Fact]
    public void Bool_BadValue_ReportsExpectedBoolean()
    {
        var (map, d) = Load("enabled: maybe\n");
        Assert.Null(map.Bool("enabled"));
        var problem = Assert.Single(d.Problems);
        Assert.Contains("expected a boolean", problem.Message);
        Assert.Equal("enabled", problem.Path);
    }

    [Fact]
    public void StringList_Mapping_ReportsWrongType()
    {
        var (map, d) = Load("items:\n  a: b\n");
        Assert.Null(map.StringList("items"));
        Assert.Contains("expected a list of strings, got a mapping", Assert.Single(d.Problems).Message);
    }

    [Fact]
    public void StringList_NestedItem_ReportsIndexPath()
    {
        var (map, d) = Load("items:\n- a\n- [b]\n");
        Assert.Null(map.StringList("items"));
        Assert.Equal("items[1]", Assert.Single(d.Problems).Path);
    }

    [Fact]
    public void Duration_Bad_ReportsHint()
    {
        var (map, d) = Load("ttl: 12 hours\n");
        Assert.Null(map.Duration("ttl"));
        var problem = Assert.Single(d.Problems);
        Assert.Equal("ttl", problem.Path);
        Assert.Contains("12h", problem.Hint);
    }

    [Fact]
    public void StringListMap_ScalarOrList_BothRead()
    {
        var (map, d) = Load("labels:\n  env: dev\n  team: [a, b]\n  empty:\n");
        var labels = map.StringListMap("labels")!;
        Assert.Equal(["dev"], labels["env"]);
        Assert.Equal(["a", "b"], labels["team"]);
        Assert.Empty(labels["empty"]);
        Assert.False(d.HasProblems);
    }

    [Fact]
    public void ThrowIfAny_ListsEveryProblemOnItsOwnLine()
    {
        var (map, d) = Load("a: x\nb: y\n");
        map.Finish();
        var ex = Assert.Throws<FerryException>(() => d.ThrowIfAny("config file"));
        Assert.Equal(ErrorKind.BadParameter, ex.Kind);
        Assert.Equal(3, ex.Message.Split('\n').Length);
        Assert.StartsWith("config file test.yaml has 2 problems:", ex.Message);
    }

    [Fact]
    public void Extras_KeepValuesTyped()
    {
        var (map, _) = Load("forward_agent: true\nlogins: ['{{internal.logins}}', root]\nport: 22\nname: 'yes'\n");
        var extras = map.Extras(["forward_agent", "logins", "port", "name", "absent"]);
        Assert.Equal("true", extras["forward_agent"].GetRawText());
        Assert.Equal("[\"{{internal.logins}}\",\"root\"]", extras["logins"].GetRawText());
        Assert.Equal("22", extras["port"].GetRawText());
        Assert.Equal("\"yes\"", extras["name"].GetRawText());
        Assert.False(extras.ContainsKey("absent"));
    }

    [Fact]
    public void Writer_EmitsTeleportLayout()
    {
        var tree = new JsonObject
        {
            ["kind"] = "role",
            ["spec"] = new JsonObject
            {
                ["allow"] = new JsonObject
                {
                    ["app_labels"] = new JsonObject { ["*"] = "*" },
                    ["aws_role_arns"] = new JsonArray("arn:aws:iam::123456789000:role/X"),
                },
                ["deny"] = new JsonObject(),
            },
            ["quoted"] = new JsonArray("true", "123", "2024-01-01T00:00:00Z", "", "plain"),
        };
        var yaml = YamlWriter.Write(tree);
        Assert.Equal(
            "kind: role\nspec:\n  allow:\n    app_labels:\n      '*': '*'\n    aws_role_arns:\n    - arn:aws:iam::123456789000:role/X\n  deny: {}\n" +
            "quoted:\n- 'true'\n- '123'\n- '2024-01-01T00:00:00Z'\n- ''\n- plain\n",
            yaml.Replace("\r\n", "\n"));
    }
}
