using Ferry.Core.Errors;
using Ferry.Core.Rbac;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Core.Tests.Resources;

public sealed class ResourceCodecTests
{
    private const string GuideRole = """
        kind: role
        version: v5
        metadata:
          name: aws-dynamodb-access
        spec:
          allow:
            app_labels:
              '*': '*'
            aws_role_arns:
            - arn:aws:iam::123456789000:role/ExampleTeleportDynamoDBRole
        """;

    private static FerryException ParseFails(string yaml, string? file = "test.yaml") =>
        Assert.Throws<FerryException>(() => ResourceCodec.ParseYaml(yaml, file));

    [Fact]
    public void ParseYaml_GuideRole_ParsesAndSerialisesEquivalently()
    {
        var role = Assert.IsType<Role>(Assert.Single(ResourceCodec.ParseYaml(GuideRole)));
        Assert.Equal("aws-dynamodb-access", role.Name);
        Assert.Equal("v5", role.Version);
        Assert.Equal(["*"], role.Spec.Allow.AppLabels["*"]);
        Assert.Equal(["arn:aws:iam::123456789000:role/ExampleTeleportDynamoDBRole"], role.Spec.Allow.AwsRoleArns);

        var yaml = ResourceCodec.ToYaml(role);
        Assert.Equal("""
            kind: role
            metadata:
              name: aws-dynamodb-access
            spec:
              allow:
                app_labels:
                  '*': '*'
                aws_role_arns:
                - arn:aws:iam::123456789000:role/ExampleTeleportDynamoDBRole
              deny: {}
            version: v5

            """.Replace("\r\n", "\n"), yaml.Replace("\r\n", "\n"));
        AssertSameTree(role, ResourceCodec.ParseYaml(yaml).Single());
    }

    [Fact]
    public void ParseYaml_SeveralDocuments_SkipsEmptyOnes()
    {
        var yaml = "---\n" + GuideRole + "\n---\n---\nkind: token\nversion: v2\nmetadata:\n  name: abc\nspec:\n  roles: [app]\n  app_names: [aws-dynamodb, 'aws-*']\n";
        var resources = ResourceCodec.ParseYaml(yaml);
        Assert.Equal(2, resources.Count);
        var token = Assert.IsType<ProvisionToken>(resources[1]);
        Assert.Equal(["App"], token.Spec.Roles);
        Assert.Equal(["aws-dynamodb", "aws-*"], token.Spec.AppNames);
    }

    [Fact]
    public void ParseYaml_UnknownKind_ListsSupportedKinds()
    {
        var ex = ParseFails("kind: rolee\nversion: v5\nmetadata:\n  name: x\n");
        Assert.Contains("unknown resource kind \"rolee\" at kind (line 1, column 7): did you mean \"role\"? supported kinds: role, user, token, lock", ex.Message);
    }

    [Fact]
    public void ParseYaml_UnsupportedVersion_NamesSupportedOnes()
    {
        var ex = ParseFails(GuideRole.Replace("v5", "v9"));
        Assert.Contains("role version \"v9\" is not supported at version (line 2, column 10): use v5, v6 or v7", ex.Message);
    }

    [Fact]
    public void ParseYaml_TypoInKey_SuggestsFixWithLine()
    {
        var ex = ParseFails(GuideRole.Replace("app_labels", "app_lables"));
        Assert.Contains("test.yaml: unknown key \"app_lables\" at spec.allow (line 7, column 5): did you mean \"app_labels\"?", ex.Message);
    }

    [Fact]
    public void ParseYaml_ManyProblems_AllReportedOnePerLine()
    {
        var yaml = """
            kind: role
            version: v5
            metadata:
              name: -bad-
            spec:
              allow:
                app_labels:
                  env: '^(dev$'
                aws_role_arns:
                - arn:aws:iam::12345:role/X
                - '{{interal.aws_role_arns}}'
                rules:
                - resources: [rolee]
                  verbs: [reed]
              options:
                max_session_ttl: 12 hours
              denny: {}
            """;
        var ex = ParseFails(yaml);
        var lines = ex.Message.Split('\n');
        Assert.Equal(9, lines.Length);
        Assert.Contains("metadata.name", lines[1]); // sorted by position
        Assert.Contains(lines, l => l.Contains("invalid role name \"-bad-\"") && l.Contains("at metadata.name (line 4"));
        Assert.Contains(lines, l => l.Contains("invalid regular expression \"^(dev$\"") && l.Contains("spec.allow.app_labels.env (line 8"));
        Assert.Contains(lines, l => l.Contains("not 12 digits") && l.Contains("at spec.allow.aws_role_arns[0] (line 10"));
        Assert.Contains(lines, l => l.Contains("did you mean \"internal\"") && l.Contains("spec.allow.aws_role_arns[1] (line 11"));
        Assert.Contains(lines, l => l.Contains("unknown resource kind \"rolee\"") && l.Contains("did you mean \"role\""));
        Assert.Contains(lines, l => l.Contains("unknown verb \"reed\"") && l.Contains("did you mean \"read\""));
        Assert.Contains(lines, l => l.Contains("bad duration") && l.Contains("spec.options.max_session_ttl (line 16"));
        Assert.Contains(lines, l => l.Contains("unknown key \"denny\" at spec (line 17") && l.Contains("did you mean \"deny\""));
    }

    [Fact]
    public void ParseYaml_WrongTypes_Reported()
    {
        var ex = ParseFails("kind: role\nversion: v7\nmetadata:\n  name: r\nspec:\n  allow:\n    aws_role_arns: arn:aws:iam::123456789012:role/X\n    app_labels: [a]\n");
        Assert.Contains("expected a list of strings, got \"arn:aws:iam::123456789012:role/X\" at spec.allow.aws_role_arns (line 7", ex.Message);
        Assert.Contains("expected a mapping (key: value lines), got a list at spec.allow.app_labels (line 8", ex.Message);
    }

    [Fact]
    public void ParseYaml_WildcardKeyWithValue_Rejected()
    {
        var ex = ParseFails(GuideRole.Replace("'*': '*'", "'*': dev"));
        Assert.Contains("a wildcard label key may only be used with a wildcard value", ex.Message);
    }

    [Fact]
    public void ParseYaml_TeleportOnlyKeys_KeptVerbatimAndRoundTrip()
    {
        var yaml = """
            kind: role
            version: v7
            metadata:
              name: teleport-style
              description: Exported from Teleport
              labels:
                env: dev
            spec:
              allow:
                app_labels:
                  env: [dev, staging]
                  team: '{{internal.team}}'
                logins: ['{{internal.logins}}', root]
                node_labels:
                  '*': '*'
                kubernetes_resources:
                - kind: pod
                  namespace: '*'
                  name: '*'
                rules:
                - resources: [role, user]
                  verbs: [list, read]
                  where: contains(user.spec.roles, "x")
                  actions: [log("x")]
                request:
                  roles: [admin]
              deny:
                db_names: ['*']
              options:
                max_session_ttl: 8h
                forward_agent: true
                cert_format: standard
                client_idle_timeout: 0s
                max_connections: 3
                enhanced_recording: [command, network]
            """;
        var role = Assert.IsType<Role>(ResourceCodec.ParseYaml(yaml).Single());
        Assert.Equal(TimeSpan.FromHours(8), role.Spec.Options.MaxSessionTtl);
        Assert.Equal("true", role.Spec.Options.Extra["forward_agent"].GetRawText());
        Assert.Equal("3", role.Spec.Options.Extra["max_connections"].GetRawText());
        Assert.Equal("[\"{{internal.logins}}\",\"root\"]", role.Spec.Allow.Extra["logins"].GetRawText());
        Assert.Equal("contains(user.spec.roles, \"x\")", role.Spec.Allow.Rules[0].Where);
        Assert.Equal(["dev", "staging"], role.Spec.Allow.AppLabels["env"]);

        var again = ResourceCodec.ParseYaml(ResourceCodec.ToYaml(role)).Single();
        AssertSameTree(role, again);
        Assert.Contains("max_session_ttl: 8h0m0s", ResourceCodec.ToYaml(role));
        Assert.Contains("      team: '{{internal.team}}'", ResourceCodec.ToYaml(role));
    }

    [Fact]
    public void ParseYaml_UnknownOption_SuggestsAcceptedOne()
    {
        var ex = ParseFails(GuideRole + "\n  options:\n    forward_agnet: true\n");
        Assert.Contains("unknown key \"forward_agnet\" at spec.options", ex.Message);
        Assert.Contains("did you mean \"forward_agent\"?", ex.Message);
    }

    [Fact]
    public void ParseYaml_TeleportUserGetOutputWithAddedRole_Parses()
    {
        // What Teleport's `tctl get users/alice` prints, with the guide's edit applied.
        var yaml = """
            kind: user
            metadata:
              id: 1675203917163423000
              name: alice
              namespace: default
              revision: 5c1e8f1a-3d2e-4b6f-9a0c-1234567890ab
            spec:
              created_by:
                connector: null
                time: "2023-01-31T22:25:17.163326Z"
                user:
                  name: tctl
              expires: "0001-01-01T00:00:00Z"
              roles:
              - access
              - auditor
              - editor
              - aws-dynamodb-access
              status:
                is_locked: false
                lock_expires: "0001-01-01T00:00:00Z"
                locked_time: "0001-01-01T00:00:00Z"
                recovery_attempt_lock_expires: "0001-01-01T00:00:00Z"
              traits:
                aws_role_arns: null
                logins:
                - alice
            version: v2
            """;
        var user = Assert.IsType<User>(ResourceCodec.ParseYaml(yaml, "out.yaml").Single());
        Assert.Equal("alice", user.Name);
        Assert.Equal(["access", "auditor", "editor", "aws-dynamodb-access"], user.Spec.Roles);
        Assert.Empty(user.Spec.Traits["aws_role_arns"]);
        Assert.Equal(["alice"], user.Spec.Traits["logins"]);
        Assert.Equal("tctl", user.Spec.CreatedBy!.User);
        Assert.Equal(new DateTimeOffset(2023, 1, 31, 22, 25, 17, TimeSpan.Zero).AddTicks(1633260), user.Spec.CreatedBy.Time);
        Assert.False(user.Spec.Status.IsLocked);
        Assert.Null(user.Spec.Status.LockedTime);
        Assert.Equal("5c1e8f1a-3d2e-4b6f-9a0c-1234567890ab", user.Metadata.Revision);
    }

    [Fact]
    public void User_FerryOutputEditedAsInGuide_ParsesBack()
    {
        var user = new User
        {
            Metadata = new ResourceMetadata { Name = "alice@example.com", Revision = "7" },
            Spec = new UserSpec
            {
                Roles = ["access", "auditor", "editor"],
                Traits = new Dictionary<string, IReadOnlyList<string>> { ["aws_role_arns"] = ["arn:aws:iam::123456789000:role/X"] },
                CreatedBy = new UserCreatedBy { Time = new DateTimeOffset(2025, 1, 2, 3, 4, 5, 600, TimeSpan.Zero), User = "admin" },
                Status = new UserStatus { IsLocked = true, LockedMessage = "too many attempts", LockExpires = new DateTimeOffset(2025, 1, 2, 4, 0, 0, TimeSpan.Zero) },
            },
        };
        var yaml = ResourceCodec.ToYaml(user);
        Assert.Contains("  roles:\n  - access\n  - auditor\n  - editor\n", yaml.Replace("\r\n", "\n"));
        var edited = yaml.Replace("  - editor\n", "  - editor\n  - aws-dynamodb-access\n");
        var parsed = Assert.IsType<User>(ResourceCodec.ParseYaml(edited).Single());
        Assert.Equal(["access", "auditor", "editor", "aws-dynamodb-access"], parsed.Spec.Roles);
        AssertSameTree(user with { Spec = user.Spec with { Roles = parsed.Spec.Roles } }, parsed);
    }

    [Fact]
    public void ParseYaml_TokenWithNonJoinableRole_Rejected()
    {
        var ex = ParseFails("kind: token\nversion: v2\nmetadata:\n  name: abc\nspec:\n  roles: [Admin]\n");
        Assert.Contains("role \"Admin\" cannot be granted by a join token", ex.Message);
        Assert.Contains("use Proxy or App", ex.Message);
    }

    [Theory]
    [InlineData("roles: [App]", "an App token must name the apps its agents may serve at spec.app_names")]
    [InlineData("roles: [Proxy]\n  app_names: [aws-dynamodb]", "app_names applies only to tokens with the App role")]
    [InlineData("roles: [App]\n  app_names: ['AWS_Dynamo']", "invalid app name or pattern \"AWS_Dynamo\" at spec.app_names[0]")]
    public void ParseYaml_TokenAppNames_AreRequiredForAppTokensAndValidated(string spec, string expected)
    {
        var ex = ParseFails("kind: token\nversion: v2\nmetadata:\n  name: abc\nspec:\n  " + spec + "\n");
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void ParseYaml_Lock_InTeleportsShape()
    {
        var resource = Assert.Single(ResourceCodec.ParseYaml("""
            kind: lock
            version: v2
            metadata:
              name: incident-42
            spec:
              target:
                user: alice
              message: "Suspicious activity: contact security"
              expires: "2026-12-31T23:00:00Z"
            """));

        var parsed = Assert.IsType<AccessLock>(resource);
        Assert.Equal("alice", parsed.Spec.Target.User);
        Assert.Null(parsed.Spec.Target.Role);
        Assert.Equal("Suspicious activity: contact security", parsed.Spec.Message);
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 23, 0, 0, TimeSpan.Zero), parsed.Spec.Expires);
        Assert.Contains("access is locked (lock incident-42 targeting user \"alice\"): Suspicious activity", parsed.Describe());
    }

    [Theory]
    [InlineData("target: {}", "a lock targets exactly one user or one role")]
    [InlineData("target: {user: alice, role: access}", "a lock targets exactly one user or one role")]
    [InlineData("target: {login: root}", "lock target \"login\" is not supported by Ferry")]
    [InlineData("target: {role: 'bad role'}", "invalid role name \"bad role\"")]
    [InlineData("target: {user: alice}\n  expires: tomorrow", "spec.expires")]
    public void ParseYaml_BadLock_IsRefusedWithItsPath(string spec, string expected)
    {
        var ex = ParseFails("kind: lock\nversion: v2\nmetadata:\n  name: l1\nspec:\n  " + spec + "\n");
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void ParseYaml_UserWithNonListTraits_Rejected()
    {
        var ex = ParseFails("kind: user\nversion: v2\nmetadata:\n  name: bob\nspec:\n  roles: ['']\n  traits:\n    logins:\n      a: b\n");
        Assert.Contains("spec.roles[0]", ex.Message);
        Assert.Contains("expected a string or a list of strings, got a mapping at spec.traits.logins", ex.Message);
    }

    [Fact]
    public void ParseYaml_MissingMetadataName_Reported()
    {
        var ex = ParseFails("kind: role\nversion: v7\nmetadata: {}\n");
        Assert.Contains("missing required key at metadata.name", ex.Message);
    }

    [Fact]
    public void ParseYaml_DuplicateKey_Reported()
    {
        var ex = ParseFails("kind: role\nversion: v7\nkind: role\n");
        Assert.Contains("uplicate key", ex.Message);
        Assert.Contains("(line 3", ex.Message);
    }

    [Theory]
    [InlineData("- kind: role\n", "expected a mapping (key: value lines), got a list (line 1")]
    [InlineData("just text\n", "expected a mapping (key: value lines), got \"just text\"")]
    [InlineData("kind: role\n", "missing required key at version")]
    [InlineData("kind: role\nversion: v7\n", "missing required key at metadata")]
    [InlineData("kind: role\nversion: v7\nmetadata: {name: r}\nspec: [a]\n", "expected a mapping (key: value lines), got a list at spec (line 4")]
    [InlineData("kind: user\nversion: v1\nmetadata: {name: u}\n", "user version \"v1\" is not supported at version (line 2, column 10): use v2")]
    [InlineData("kind: role\nversion: v7\nmetadata: {name: r, labels: {a: [b]}}\n", "expected a string, got a list at metadata.labels.a")]
    [InlineData("kind: role\nversion: v7\nmetadata: {name: r}\nspec: {allow: {rules: [{resources: [role]}]}}\n", "a rule needs at least one verb")]
    public void ParseYaml_StructuralProblems_Reported(string yaml, string expected)
    {
        Assert.Contains(expected, ParseFails(yaml).Message);
    }

    [Fact]
    public void ParseYaml_NoDocuments_ReturnsEmpty()
    {
        Assert.Empty(ResourceCodec.ParseYaml("---\n# nothing\n---\n"));
    }

    [Fact]
    public void ToYaml_SeveralResources_SeparatedByDashes()
    {
        var yaml = ResourceCodec.ToYaml(BuiltinRoles.All);
        Assert.Equal(2, yaml.Split("\n---\n").Length - 1);
        Assert.Equal(3, ResourceCodec.ParseYaml(yaml).Count);
    }

    [Fact]
    public void ToJson_TeleportShape()
    {
        var json = ResourceCodec.ToJson(ResourceCodec.ParseYaml(GuideRole).Single());
        Assert.Contains("\"kind\": \"role\"", json);
        Assert.Contains("\"aws_role_arns\": [", json);
        Assert.Contains("\"version\": \"v5\"", json);
    }

    [Fact]
    public void BuiltinRoles_AreValid()
    {
        foreach (var role in BuiltinRoles.All)
        {
            ResourceCodec.Validate(role);
        }
    }

    [Fact]
    public void Validate_BadResourceBuiltInCode_Throws()
    {
        var role = new Role { Metadata = new ResourceMetadata { Name = "r" }, Spec = new RoleSpec { Allow = new RoleConditions { AwsRoleArns = ["nope"] } } };
        var ex = Assert.Throws<FerryException>(() => ResourceCodec.Validate(role));
        Assert.Contains("spec.allow.aws_role_arns[0]", ex.Message);
    }

    internal static void AssertSameTree(IResource expected, IResource actual) =>
        Assert.Equal(ResourceJson.Serialize(expected), ResourceJson.Serialize(actual));
}
