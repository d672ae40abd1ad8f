using Ferry.Core.Errors;

namespace Ferry.Config.Tests;

public sealed class FileConfigTests
{
    private const string GuideAgentConfig = """
        version: v3
        teleport:
          join_params:
            token_name: "/tmp/token"
            method: token
          proxy_server: "teleport.example.com:443"
        auth_service:
          enabled: off
        proxy_service:
          enabled: off
        ssh_service:
          enabled: off
        app_service:
          enabled: true
          apps:
          - name: aws-dynamodb
            uri: https://console.aws.amazon.com/dynamodbv2/home
        """;

    private static readonly ConfigParseOptions Options = new() { HostName = "host-1", FileExists = f => f.StartsWith("/exists/", StringComparison.Ordinal) };

    private static FileConfig Parse(string yaml) => FileConfig.Parse(yaml, "teleport.yaml", Options);

    private static string Fails(string yaml)
    {
        var ex = Assert.Throws<FerryException>(() => Parse(yaml));
        Assert.Equal(ErrorKind.BadParameter, ex.Kind);
        return ex.Message;
    }

    [Fact]
    public void Parse_GuideAgentConfig_Parses()
    {
        var config = Parse(GuideAgentConfig);
        Assert.False(config.Auth.Enabled);
        Assert.False(config.Proxy.Enabled);
        Assert.True(config.Apps.Enabled);
        Assert.True(config.RequiresJoin);
        Assert.Equal(new HostPort("teleport.example.com", 443), config.Teleport.ProxyServer);
        Assert.Equal("/tmp/token", config.Teleport.JoinParams!.TokenName);
        Assert.True(config.Teleport.JoinParams.TokenIsFilePath);
        Assert.Equal("token", config.Teleport.JoinParams.Method);
        var app = Assert.Single(config.Apps.Apps);
        Assert.Equal("aws-dynamodb", app.Name);
        Assert.Equal("https://console.aws.amazon.com/dynamodbv2/home", app.Uri);
        Assert.Equal("host-1", config.Teleport.NodeName);
        Assert.Equal("/var/lib/teleport", config.Teleport.DataDir);
        Assert.Equal("/var/lib/teleport/backend/sqlite.db", config.Teleport.Storage.Path);

        var resource = app.ToApp("teleport.example.com:443");
        Assert.Equal("AWS", resource.Spec.Cloud);
        Assert.Equal("aws-dynamodb.teleport.example.com", resource.Spec.PublicAddr);
        Assert.Equal("config-file", resource.Metadata.Labels["teleport.dev/origin"]);
    }

    [Fact]
    public void Parse_SampleConfig_ParsesWithDefaults()
    {
        var config = Parse(SampleConfig.Text);
        Assert.True(config.Auth.Enabled);
        Assert.True(config.Proxy.Enabled);
        Assert.True(config.Apps.Enabled);
        Assert.False(config.RequiresJoin);
        Assert.Equal("teleport.example.com", config.Auth.ClusterName);
        Assert.Equal(new HostPort("0.0.0.0", 3025), config.Auth.ListenAddr);
        Assert.Equal(new HostPort("0.0.0.0", 3080), config.Proxy.WebListenAddr);
        Assert.Equal([new HostPort("teleport.example.com", 443)], config.Proxy.PublicAddrs);
        Assert.Equal("otp", config.Auth.Authentication.SecondFactor);
        Assert.Equal("dev", config.Apps.Apps[0].Labels["env"]);
    }

    [Fact]
    public void Parse_MinimalConfig_AppliesTeleportDefaults()
    {
        var config = Parse("version: v3\n");
        Assert.True(config.Auth.Enabled);
        Assert.True(config.Proxy.Enabled);
        Assert.False(config.Apps.Enabled);
        Assert.Equal("host-1", config.Auth.ClusterName);
        Assert.Equal("INFO", config.Teleport.Log.Severity);
        Assert.Equal("stderr", config.Teleport.Log.Output);
        Assert.Equal("text", config.Teleport.Log.Format);
        Assert.Equal("sqlite", config.Teleport.Storage.Type);
        Assert.Empty(config.Teleport.CaPins);
    }

    [Theory]
    [InlineData("teleport:\n  proxy_server: teleport.example.com", "teleport.example.com", 3080)]
    [InlineData("teleport:\n  proxy_server: teleport.example.com:443", "teleport.example.com", 443)]
    [InlineData("teleport:\n  proxy_server: '[::1]:443'", "::1", 443)]
    public void Parse_ProxyServerWithoutPort_Defaults3080(string teleport, string host, int port)
    {
        var config = Parse($"version: v3\n{teleport}\nauth_service: {{enabled: no}}\nproxy_service: {{enabled: no}}\napp_service:\n  enabled: yes\n");
        Assert.Equal(new HostPort(host, port), config.Teleport.ProxyServer);
    }

    [Fact]
    public void Parse_AddressesWithoutPort_GetDefaultPerKey()
    {
        var config = Parse("version: v3\nauth_service:\n  listen_addr: 127.0.0.1\nproxy_service:\n  web_listen_addr: 127.0.0.1\n  public_addr: [a.example.com, 'b.example.com:443']\n");
        Assert.Equal(new HostPort("127.0.0.1", 3025), config.Auth.ListenAddr);
        Assert.Equal(new HostPort("127.0.0.1", 3080), config.Proxy.WebListenAddr);
        Assert.Equal([new HostPort("a.example.com", 3080), new HostPort("b.example.com", 443)], config.Proxy.PublicAddrs);
    }

    [Fact]
    public void Parse_CompleteConfig_ReadsEveryKey()
    {
        var yaml = """
            version: v3
            teleport:
              nodename: node-a
              data_dir: /srv/ferry
              diag_addr: 127.0.0.1:3000
              log:
                output: /var/log/ferry.log
                severity: warning
                format:
                  output: json
                  extra_fields: [timestamp, level, component, caller]
              ca_pin: sha256:abdc1245efgh5678abdc1245efgh5678abdc1245efgh5678abdc1245efgh5678
              storage:
                type: postgresql
                conn_string: postgresql://u@db:5432/ferry
                audit_events_uri: ['postgresql://u@db:5432/audit']
            auth_service:
              enabled: "yes"
              cluster_name: example
              proxy_listener_mode: multiplex
              authentication:
                type: local
                second_factor: off
            proxy_service:
              enabled: "yes"
              public_addr: teleport.example.com:443
              https_keypairs:
              - key_file: /exists/key.pem
                cert_file: /exists/cert.pem
              https_keypairs_reload_interval: 1h30m
              acme: {}
            app_service:
              enabled: no
              apps:
              - name: console
                description: AWS console
                uri: https://console.aws.amazon.com/ec2/v2/home
                public_addr: console.teleport.example.com
                labels: {env: prod, aws_account_id: "123456789012"}
                insecure_skip_verify: false
                cloud: AWS
                aws:
                  external_id: example-external-id
                  source_identity: true
            """;
        var ex = Assert.Throws<FerryException>(() => Parse(yaml));
        // The pin in the guide ("abdc1245efgh...") is not hex: a realistic mistake, reported with the fix.
        Assert.Contains("invalid CA pin", ex.Message);
        Assert.Single(ex.Message.Split('\n').Skip(1));

        var config = Parse(yaml.Replace("efgh", "ef01", StringComparison.Ordinal));
        Assert.Equal("node-a", config.Teleport.NodeName);
        Assert.Equal(new HostPort("127.0.0.1", 3000), config.Teleport.DiagAddr);
        Assert.Equal("WARN", config.Teleport.Log.Severity);
        Assert.Equal("json", config.Teleport.Log.Format);
        Assert.Equal(4, config.Teleport.Log.ExtraFields.Count);
        Assert.Equal("postgresql", config.Teleport.Storage.Type);
        Assert.Equal("postgresql://u@db:5432/ferry", config.Teleport.Storage.ConnString);
        Assert.Single(config.Teleport.Storage.AuditEventsUri);
        Assert.Equal("off", config.Auth.Authentication.SecondFactor);
        Assert.Equal("multiplex", config.Auth.ProxyListenerMode);
        Assert.Equal([new KeyPairConfig("/exists/key.pem", "/exists/cert.pem")], config.Proxy.HttpsKeyPairs);
        Assert.Equal(TimeSpan.FromMinutes(90), config.Proxy.HttpsKeyPairsReloadInterval);
        var app = Assert.Single(config.Apps.Apps);
        Assert.False(config.Apps.Enabled);
        Assert.Equal("example-external-id", app.Aws!.ExternalId);
        Assert.True(app.Aws.SourceIdentity);
        Assert.Equal("console.teleport.example.com", app.ToApp("ignored.example.com").Spec.PublicAddr);
    }

    [Theory]
    [InlineData("github", "github")]
    [InlineData("OIDC", "oidc")]
    [InlineData("saml", "saml")]
    public void Parse_SsoAuthenticationType_ReadsTheTypeAndTheConnector(string written, string type)
    {
        var config = Parse($"version: v3\nauth_service:\n  authentication:\n    type: {written}\n    connector_name: my-{type}\n");

        Assert.Equal(type, config.Auth.Authentication.Type);
        Assert.Equal($"my-{type}", config.Auth.Authentication.ConnectorName);
    }

    [Fact]
    public void Parse_NoAuthentication_IsLocalWithoutAConnector()
    {
        var config = Parse("version: v3\nauth_service:\n  cluster_name: example\n");

        Assert.Equal(AuthenticationConfig.Local, config.Auth.Authentication.Type);
        Assert.Null(config.Auth.Authentication.ConnectorName);
    }

    public static TheoryData<string, string[]> ErrorCases => new()
    {
        // yaml, fragments that must all appear in one problem line (path, line, and the hint)
        { "version: v3\nteleport:\n  nodenme: x\n", ["unknown key \"nodenme\" at teleport (line 3, column 3)", "did you mean \"nodename\"?"] },
        { "version: v2\n", ["config version \"v2\" is not supported at version (line 1", "set version: v3"] },
        { "teleport: {}\n", ["missing required key at version", "add \"version: v3\""] },
        { "version: v3\nauth_service:\n  enabled: maybe\n", ["expected a boolean, got \"maybe\" at auth_service.enabled (line 3", "use true/false"] },
        { "version: v3\nauth_service:\n  listen_addr: host:99999\n", ["bad address", "invalid port \"99999\"", "auth_service.listen_addr (line 3", "e.g. 0.0.0.0:3025"] },
        { "version: v3\nteleport:\n  auth_server: 'http://auth:3025'\nauth_service: {enabled: no}\n", ["is a URL, not an address", "teleport.auth_server (line 3", "write host:port"] },
        { "version: v3\nproxy_service:\n  public_addr: {a: b}\n", ["expected a list of strings, got a mapping at proxy_service.public_addr (line 3"] },
        { "version: v3\nproxy_service:\n  https_keypairs:\n  - key_file: /missing/key.pem\n    cert_file: /exists/c.pem\n", ["file \"/missing/key.pem\" does not exist at proxy_service.https_keypairs[0].key_file (line 4"] },
        { "version: v3\nssh_service:\n  enabled: on\n", ["Ferry does not provide SSH access at ssh_service.enabled (line 3", "set ssh_service.enabled: off"] },
        { "version: v3\ndb_service:\n  enabled: yes\n", ["Ferry does not provide db access", "db_service.enabled: off"] },
        { "version: v3\nauth_service:\n  authentication:\n    second_factor: webauthn\n", ["second_factor \"webauthn\" is not supported by Ferry yet", "use second_factor: otp"] },
        { "version: v3\nauth_service:\n  authentication:\n    type: github\n", ["type github needs connector_name at auth_service.authentication.connector_name (line 4", "e.g. connector_name: github"] },
        { "version: v3\nauth_service:\n  authentication:\n    type: ldap\n", ["unsupported value \"ldap\" at auth_service.authentication.type (line 4", "github, local, oidc, saml"] },
        { "version: v3\nauth_service:\n  authentication:\n    type: local\n    connector_name: okta\n", ["connector_name applies to type github, oidc or saml at auth_service.authentication.connector_name (line 5"] },
        { "version: v3\nauth_service:\n  authentication:\n    type: saml\n    connector_name: my saml\n", ["invalid connector name \"my saml\" at auth_service.authentication.connector_name (line 5"] },
        { "version: v3\nauth_service:\n  authentication:\n    type: oidc\n    conector_name: okta\n", ["unknown key \"conector_name\"", "did you mean \"connector_name\"?"] },
        { "version: v3\nteleport:\n  log:\n    severity: LOUD\n", ["unsupported value \"LOUD\" at teleport.log.severity (line 4", "DEBUG, ERROR, INFO, WARN, WARNING"] },
        { "version: v3\nteleport:\n  storage:\n    type: dynamodb\n", ["storage type \"dynamodb\" is not supported", "use type: sqlite or type: postgresql"] },
        { "version: v3\nteleport:\n  storage:\n    type: postgresql\n", ["postgresql storage needs a connection string", "add conn_string:"] },
        { "version: v3\nteleport:\n  join_params:\n    token_name: x\n    method: iam\n", ["join method \"iam\" is not supported by Ferry yet", "teleport.join_params.method (line 5"] },
        { "version: v3\nteleport:\n  auth_servers: [a:3025]\n", ["auth_servers is a v1/v2 key", "write auth_server"] },
        { "version: v3\napp_service:\n  enabled: yes\n  apps:\n  - name: Bad_Name\n    uri: https://x\n", ["invalid app name \"Bad_Name\" at app_service.apps[0].name (line 5"] },
        { "version: v3\napp_service:\n  enabled: yes\n  apps:\n  - name: a\n    uri: not a url\n", ["is not an absolute http(s) URL at app_service.apps[0].uri (line 6", "e.g. uri: https://"] },
        { "version: v3\napp_service:\n  enabled: yes\n  apps:\n  - name: a\n", ["missing required key at app_service.apps[0].uri"] },
        { "version: v3\napp_service:\n  enabled: yes\n  apps:\n  - {name: a, uri: 'https://a'}\n  - {name: a, uri: 'https://b'}\n", ["duplicate app name \"a\" at app_service.apps[1].name (line 6"] },
        { "version: v3\napp_service:\n  enabled: yes\n  apps:\n  - {name: a, uri: 'https://a', public_addr: 'a.example.com:443'}\n", ["must be a host name without port"] },
        { "version: v3\napp_service:\n  enabled: yes\n  apps:\n  - {name: a, uri: 'https://a', labls: {}}\n", ["unknown key \"labls\" at app_service.apps[0]", "did you mean \"labels\"?"] },
        { "version: v3\napp_service:\n  enabled: yes\n  apps:\n  - {name: a, uri: 'https://a', commands: []}\n", ["app commands is not supported by Ferry yet"] },
        { "version: v3\napp_service:\n  apps:\n  - {name: a, uri: 'https://a'}\n", ["app_service lists apps but is not enabled", "add enabled: yes"] },
        { "version: v3\nauth_service: {enabled: no}\nproxy_service: {enabled: no}\n", ["no service is enabled", "enable at least one"] },
        { "version: v3\nauth_service: {enabled: no}\nproxy_service: {enabled: no}\napp_service: {enabled: yes}\n", ["app_service without auth_service must know where the cluster is", "set teleport.proxy_server"] },
        { "version: v3\nteleport: {auth_server: 'a:3025', proxy_server: 'p:443'}\nauth_service: {enabled: no}\n", ["set only one of teleport.proxy_server and teleport.auth_server"] },
        { "version: v3\nauth_service: {enabled: no}\n", ["proxy_service without auth_service needs the auth server's address", "set teleport.auth_server"] },
        { "version: v3\nteleport:\n  data_dir: [a]\n", ["expected a string, got a list at teleport.data_dir (line 3"] },
        { "version: v3\nversion: v3\n", ["uplicate key", "(line 2"] },
        { "version: v3\nproxy_service:\n  https_keypairs_reload_interval: 1 hour\n", ["bad duration \"1 hour\"", "proxy_service.https_keypairs_reload_interval (line 3", "write it like 12h"] },
        { "version: v3\nteleport:\n  log:\n  output: stderr\n", ["unknown key \"output\"", "(line 4"] },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void Parse_Invalid_NamesFileLineKeyAndFix(string yaml, string[] fragments)
    {
        var message = Fails(yaml);
        var lines = message.Split('\n');
        Assert.StartsWith("config file teleport.yaml has", lines[0]);
        Assert.True(
            lines.Skip(1).Any(l => l.StartsWith("  teleport.yaml: ", StringComparison.Ordinal) && fragments.All(l.Contains)),
            $"no problem line contains all of [{string.Join(" | ", fragments)}]:\n{message}");
    }

    [Fact]
    public void Parse_SeveralProblems_AllListed()
    {
        var message = Fails("version: v3\nteleport:\n  nodenme: x\nauth_service:\n  enabled: maybe\n  listen_addr: 'a:b'\nproxy_servce: {}\n");
        Assert.Equal(5, message.Split('\n').Length);
    }

    [Fact]
    public void Load_MissingFile_NotFoundWithNextStep()
    {
        var ex = Assert.Throws<FerryException>(() => FileConfig.Load("/nonexistent/teleport.yaml"));
        Assert.Equal(ErrorKind.NotFound, ex.Kind);
        Assert.Contains("teleport configure", ex.Message);
    }

    [Fact]
    public void Load_File_RecordsPathAndNamesItInErrors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ferry-config-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllText(path, GuideAgentConfig);
            Assert.Equal(path, FileConfig.Load(path, Options).SourcePath);
            File.WriteAllText(path, GuideAgentConfig.Replace("enabled: true", "enabled: ture"));
            var ex = Assert.Throws<FerryException>(() => FileConfig.Load(path, Options));
            Assert.Contains($"{path}: expected a boolean, got \"ture\" at app_service.enabled (line 14, column 12)", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("host:3025", "host", 3025)]
    [InlineData("host", "host", 1)]
    [InlineData(":3025", "", 3025)]
    [InlineData("[::1]:3025", "::1", 3025)]
    [InlineData("[::1]", "::1", 1)]
    public void HostPort_TryParse_Valid(string text, string host, int port)
    {
        Assert.True(HostPort.TryParse(text, 1, out var value, out _));
        Assert.Equal(new HostPort(host, port), value);
    }

    [Theory]
    [InlineData("host:0")]
    [InlineData("host:x")]
    [InlineData("::1:3025")]
    [InlineData("https://host")]
    [InlineData("a b:1")]
    public void HostPort_TryParse_Invalid(string text)
    {
        Assert.False(HostPort.TryParse(text, 1, out _, out var error));
        Assert.NotEmpty(error);
    }
}
