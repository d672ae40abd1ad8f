using System.Text.Json;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>
/// "Signatures mean something", end to end through `tsh proxy aws` in both modes against moto with signatures and
/// IAM enforced: three forgeries are refused by the local proxy (403) and reach neither the agent (no audit event)
/// nor moto, and a boto3 presigned S3 GetObject URL fetches an object as the user's IAM role (docs/architecture.md,
/// "Local verification"). The URL is path-style: a virtual-hosted bucket does not survive AWS_ENDPOINT_URL at the
/// agent (a known gap). A presigned STS GetCallerIdentity GET is not used: Ferry signs it correctly, but moto checks a
/// header-signed GET as if its query were the body and refuses it (SignatureDoesNotMatch), which real AWS does not.
/// </summary>
public sealed class TshProxyAwsSignatureTests : IClassFixture<AwsClusterFixture>
{
    /// <summary>
    /// A botocore client with the environment tsh printed. "forgeries" sends a ListTables with User-Agent signed and a
    /// garbage signature, a ListTables signed 16 minutes ago, and a presigned GetObject URL whose key was changed;
    /// "valid" sends a correctly signed ListTables with User-Agent signed, then boto3's presigned GetObject URL.
    /// Arguments: mode bucket key [endpoint URL]. Prints {name: {status, body}} as JSON.
    /// </summary>
    private const string Client = """
        import datetime, json, os, sys
        import boto3, botocore.auth
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.config import Config
        from botocore.credentials import Credentials
        from botocore.httpsession import URLLib3Session

        mode, bucket, key, endpoint = sys.argv[1], sys.argv[2], sys.argv[3], (sys.argv[4] if len(sys.argv) > 4 else None)
        creds = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
        proxy = os.environ.get("HTTPS_PROXY")
        session = URLLib3Session(verify=os.environ["AWS_CA_BUNDLE"], proxies={"https": proxy} if proxy else None)
        blacklist = list(botocore.auth.SIGNED_HEADERS_BLACKLIST)

        def clock(offset):
            now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(seconds=offset)
            botocore.auth.get_current_datetime = lambda *a, **k: now

        def list_tables(offset=0, sign_user_agent=False):
            clock(offset)
            botocore.auth.SIGNED_HEADERS_BLACKLIST = [h for h in blacklist if h != "user-agent" or not sign_user_agent]
            request = AWSRequest(method="POST", url=(endpoint or "https://dynamodb.us-east-1.amazonaws.com") + "/", data=b"{}", headers={
                "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ListTables", "User-Agent": "aws-sdk-java/1.12.780"})
            SigV4Auth(creds, "dynamodb", "us-east-1").add_auth(request)
            botocore.auth.SIGNED_HEADERS_BLACKLIST = blacklist
            return request

        def presigned_get_object():
            clock(0)
            s3 = boto3.session.Session(aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key, region_name="us-east-1").client(
                "s3", endpoint_url=endpoint, config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
            return s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300)

        def send(request):
            response = session.send(request.prepare())
            return {"status": response.status_code, "body": response.text, "url": request.url.split("?")[0]}

        results = {}
        if mode == "forgeries":
            forged = list_tables(sign_user_agent=True)
            forged.headers["Authorization"] = forged.headers["Authorization"][:-64] + "0" * 64
            results["user-agent-signed forgery"] = send(forged)
            results["stale X-Amz-Date"] = send(list_tables(offset=-16 * 60))
            url = presigned_get_object()
            results["tampered presigned URL"] = send(AWSRequest(method="GET", url=url.replace("/hello", "/other", 1)))
        else:
            results["user-agent-signed ListTables"] = send(list_tables(sign_user_agent=True))
            results["presigned GetObject"] = send(AWSRequest(method="GET", url=presigned_get_object()))
        print(json.dumps(results))
        """;

    private readonly AwsCluster _aws;

    public TshProxyAwsSignatureTests(AwsClusterFixture fixture)
    {
        _aws = fixture.Aws;
    }

    [Theory]
    [InlineData("jana", false)]
    [InlineData("kurt", true)]
    public async Task Forgeries_AreRefusedByTheLocalProxy_ValidAndPresignedRequestsReachAwsAsTheRole(string user, bool endpointUrlMode)
    {
        var bucket = "ferry-presigned-" + user;
        const string key = "dir/hello world.txt";
        await CreateObjectAsync(bucket, key, "hello from " + user);
        await _aws.AddLoggedInUserAsync(user, "access,aws-dynamodb-access,auditor");
        var port = FreePort.Next();
        string[] flags = endpointUrlMode ? ["--endpoint-url", "-p", Port(port)] : ["-p", Port(port)];
        await using var proxy = await TshProxyProcess.StartAsync(_aws.Cluster.Environment(user), _aws.Cluster.HomeOf(user), flags);
        string[] args = endpointUrlMode ? [bucket, key, $"https://localhost:{port}"] : [bucket, key];

        // 1. The forgeries: 403 with an empty body from the local proxy; nothing reaches the agent or moto.
        var motoBefore = _aws.Sandbox.RequestCount();
        var forgeries = await RunClientAsync(proxy, ["forgeries", .. args]);

        foreach (var name in new[] { "user-agent-signed forgery", "stale X-Amz-Date", "tampered presigned URL" })
        {
            var result = forgeries.GetProperty(name);
            Assert.True(result.GetProperty("status").GetInt32() == 403, $"{name}: {result}\n{proxy.Output}");
            Assert.Equal(string.Empty, result.GetProperty("body").GetString());
        }

        Assert.Equal(motoBefore, _aws.Sandbox.RequestCount());

        // 2. Right after: a valid request with User-Agent signed, and the presigned URL, which moto serves to the role.
        var valid = await RunClientAsync(proxy, ["valid", .. args]);

        var listTables = valid.GetProperty("user-agent-signed ListTables");
        Assert.True(listTables.GetProperty("status").GetInt32() == 200, $"{listTables}\n{proxy.Output}");
        Assert.Contains(AwsSandbox.Table, listTables.GetProperty("body").GetString());
        var getObject = valid.GetProperty("presigned GetObject");
        Assert.True(getObject.GetProperty("status").GetInt32() == 200, $"{getObject}\n{proxy.Output}");
        Assert.Equal("hello from " + user, getObject.GetProperty("body").GetString());

        // 3. The agent audited exactly the two valid requests, as the role. The forgeries came first, so had any of them
        // reached the agent, its event would have been queued, and shipped, before these.
        var events = await WaitForAuditAsync(user, count: 2);
        Assert.Equal(2, events.Length);
        Assert.All(events, e => Assert.Equal(AwsSandbox.RoleArn, e.GetProperty("aws_role_arn").GetString()));
        var dynamo = Assert.Single(events, e => e.GetProperty("event").GetString() == "app.session.dynamodb.request");
        Assert.Equal("DynamoDB_20120810.ListTables", dynamo.GetProperty("target").GetString());
        var s3 = Assert.Single(events, e => e.GetProperty("event").GetString() == "app.session.request");
        Assert.Equal(("s3", "GET", 200), (s3.GetProperty("aws_service").GetString(), s3.GetProperty("method").GetString(), s3.GetProperty("status_code").GetInt32()));
        Assert.Equal($"/{bucket}/dir/hello%20world.txt", s3.GetProperty("path").GetString());
        Assert.False(s3.TryGetProperty("raw_query", out var rawQuery) && rawQuery.GetString()!.Contains("X-Amz-", StringComparison.OrdinalIgnoreCase),
            "the client's signing parameters reached the audit log: " + rawQuery); // they were dropped before re-signing
    }

    /// <summary>
    /// Lets the role read S3 and puts an object there, straight to moto: three unchecked calls (moto's reset-auth), then
    /// every call is checked again. The sandbox's own setup calls were used up when it started.
    /// </summary>
    private async Task CreateObjectAsync(string bucket, string key, string content)
    {
        await ResetMotoAuthAsync(3);
        try
        {
            var environment = _aws.Cluster.Environment("setup");
            environment["AWS_ACCESS_KEY_ID"] = "setup";
            environment["AWS_SECRET_ACCESS_KEY"] = "setup";
            var file = Path.Combine(_aws.Cluster.Directory, bucket + ".txt");
            await File.WriteAllTextAsync(file, content);
            foreach (var command in new[]
            {
                new[] { "iam", "attach-role-policy", "--role-name", "ExampleTeleportDynamoDBRole", "--policy-arn", "arn:aws:iam::aws:policy/AmazonS3FullAccess" },
                ["s3api", "create-bucket", "--bucket", bucket],
                ["s3api", "put-object", "--bucket", bucket, "--key", key, "--body", file],
            })
            {
                (await Run.CommandAsync("aws", ["--endpoint-url", _aws.Sandbox.Endpoint, .. command], environment)).EnsureSuccess("aws " + string.Join(' ', command[..2]));
            }
        }
        finally
        {
            await ResetMotoAuthAsync(0);
        }
    }

    private async Task ResetMotoAuthAsync(int uncheckedCalls)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var response = await http.PostAsync($"{_aws.Sandbox.Endpoint}/moto-api/reset-auth", new StringContent(Port(uncheckedCalls)));
        response.EnsureSuccessStatusCode();
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<JsonElement> RunClientAsync(TshProxyProcess proxy, string[] args)
    {
        var environment = _aws.Cluster.Environment("client");
        foreach (var (name, value) in proxy.Settings)
        {
            environment[name] = value;
        }

        var result = (await Run.CommandAsync("python3", ["-c", Client, .. args], environment)).EnsureSuccess("the botocore client through tsh proxy aws");
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    /// <summary>The user's AWS request events once at least <paramref name="count"/> arrived (the agent ships them in batches), or what there is at the deadline.</summary>
    private async Task<JsonElement[]> WaitForAuditAsync(string user, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var audit = (await _aws.Cluster.TctlAsAsync(user, ["audit", "ls", "--since=10m", "--user=" + user, "--format=json",
                "--type=app.session.dynamodb.request", "--type=app.session.request"])).EnsureSuccess("tctl audit ls");
            var events = JsonDocument.Parse(audit.Stdout).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
            if (events.Length >= count || DateTime.UtcNow > deadline)
            {
                return events;
            }

            await Task.Delay(200);
        }
    }
}
