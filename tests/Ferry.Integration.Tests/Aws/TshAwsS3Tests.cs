using System.Security.Cryptography;
using System.Text.Json;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>
/// S3 through the guide's app with a role that may use it, against moto (signatures and IAM enforced). The aws CLI
/// addresses buckets by host (<c>BUCKET.s3.amazonaws.com</c>); the sandbox, like MinIO or LocalStack, serves them by
/// path, so the agent must move the bucket into the path and sign what it sends (docs/aws-services.md).
/// </summary>
public sealed class TshAwsS3Tests : IClassFixture<AwsClusterFixture>
{
    private const string S3Role = "ExampleTeleportS3Role";
    private readonly AwsCluster _aws;

    public TshAwsS3Tests(AwsClusterFixture fixture)
    {
        _aws = fixture.Aws;
    }

    [Fact]
    public async Task Mb_Cp_Ls_Rm_WithAMultipartUpload_ReachTheBucket_InBothModes()
    {
        await _aws.AddUserWithAwsRoleAsync("sven", "access,aws-dynamodb-access,auditor", S3Role);

        var made = (await _aws.TshAwsAsync("sven", "s3", "mb", "s3://ferry-s3-test")).EnsureSuccess("tsh aws s3 mb");
        Assert.Contains("make_bucket: ferry-s3-test", made.Stdout);
        Assert.Contains("ferry-s3-test", (await _aws.TshAwsAsync("sven", "s3", "ls")).EnsureSuccess("tsh aws s3 ls").Stdout);

        // 20 MB: above the CLI's 8 MB threshold, so CreateMultipartUpload (POST /KEY?uploads), UploadPart ×3, Complete.
        var home = _aws.Cluster.HomeOf("sven");
        var original = RandomNumberGenerator.GetBytes(20 * 1024 * 1024);
        await File.WriteAllBytesAsync(Path.Combine(home, "big.bin"), original);
        (await _aws.TshAwsAsync("sven", "s3", "cp", Path.Combine(home, "big.bin"), "s3://ferry-s3-test/dir/big.bin")).EnsureSuccess("tsh aws s3 cp (multipart up)");

        // --recursive: moto refuses the signature of any query value holding an encoded "/" (prefix=dir%2F,
        // delimiter=%2F), even from the aws CLI directly (docs/testing.md §4.5).
        var listed = (await _aws.TshAwsAsync("sven", "s3", "ls", "--recursive", "s3://ferry-s3-test")).EnsureSuccess("tsh aws s3 ls");
        Assert.Contains("20971520 dir/big.bin", listed.Stdout);
        var listedByEndpoint = (await _aws.TshAwsAsync("sven", "-e", "s3", "ls", "--recursive", "s3://ferry-s3-test")).EnsureSuccess("tsh aws -e s3 ls");
        Assert.Contains("20971520 dir/big.bin", listedByEndpoint.Stdout);

        (await _aws.TshAwsAsync("sven", "s3", "cp", "s3://ferry-s3-test/dir/big.bin", Path.Combine(home, "back.bin"))).EnsureSuccess("tsh aws s3 cp (down)");
        var back = await File.ReadAllBytesAsync(Path.Combine(home, "back.bin"));
        Assert.True(original.SequenceEqual(back), "the object came back different");

        (await _aws.TshAwsAsync("sven", "s3", "rm", "s3://ferry-s3-test/dir/big.bin")).EnsureSuccess("tsh aws s3 rm");
        Assert.DoesNotContain("big.bin", (await _aws.TshAwsAsync("sven", "s3", "ls", "--recursive", "s3://ferry-s3-test")).EnsureSuccess("ls after rm").Stdout);
        (await _aws.TshAwsAsync("sven", "s3", "rb", "s3://ferry-s3-test")).EnsureSuccess("tsh aws s3 rb");

        // Each request's event names its S3 operation and what it touched (the agent batches events: wait for the last).
        string[] expected = ["CreateBucket", "ListBuckets", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "ListObjectsV2", "GetObject", "DeleteObject", "DeleteBucket"];
        var events = new List<JsonElement>();
        await Until.TrueAsync(async () =>
        {
            var audit = (await _aws.Cluster.TctlAsAsync("sven", ["audit", "ls", "--since=10m", "--user=sven", "--format=json", "--type=app.session.request"])).EnsureSuccess("audit ls");
            events = JsonDocument.Parse(audit.Stdout).RootElement.EnumerateArray().Where(e => e.TryGetProperty("aws_operation", out _)).ToList();
            return events.Any(e => e.GetProperty("aws_operation").GetString() == "DeleteBucket");
        }, "the audit event of DeleteBucket");
        var operations = events.Select(e => e.GetProperty("aws_operation").GetString()).ToHashSet();
        Assert.All(expected, op => Assert.Contains(op, operations));
        var upload = events.First(e => e.GetProperty("aws_operation").GetString() == "UploadPart");
        Assert.Equal(("s3", "ferry-s3-test", "dir/big.bin"), (upload.GetProperty("aws_service").GetString(), upload.GetProperty("s3_bucket").GetString(), upload.GetProperty("s3_key").GetString()));
    }

    /// <summary>
    /// <c>aws s3 sync</c> up and down and a 20 MB multipart <c>s3 cp</c> up and down, with both CLIs in both modes (v2
    /// uploads with CRC32 checksums its own way), byte for byte; a second sync finds nothing to do, so listing and
    /// comparing went through Ferry too. Synced at the
    /// bucket root: a prefix would hit moto's encoded-slash quirk (docs/testing.md §4.5).
    /// </summary>
    [Fact]
    public async Task SyncAndMultipartCp_UpAndDown_WithBothClisInBothModes()
    {
        const string user = "sybil";
        await _aws.AddUserWithAwsRoleAsync(user, "access,aws-dynamodb-access", S3Role);
        await AwsCliWay.AssertBothClisAsync(_aws, user);
        var source = Path.Combine(_aws.Cluster.HomeOf(user), "sync-up");
        Directory.CreateDirectory(Path.Combine(source, "sub"));
        Dictionary<string, byte[]> files = new()
        {
            ["a.txt"] = "first\n"u8.ToArray(),
            ["sub/b.bin"] = RandomNumberGenerator.GetBytes(300_000),
            ["sub/c.txt"] = "third\n"u8.ToArray(),
        };
        foreach (var (name, bytes) in files)
        {
            await File.WriteAllBytesAsync(Path.Combine(source, name), bytes);
        }

        var big = Path.Combine(_aws.Cluster.HomeOf(user), "big.bin");
        var bigBytes = RandomNumberGenerator.GetBytes(20 * 1024 * 1024);
        await File.WriteAllBytesAsync(big, bigBytes);

        try
        {
            foreach (var way in AwsCliWay.All)
            {
                var bucket = "ferry-sync-" + way.Name;
                (await way.TshAwsAsync(_aws, user, "s3", "mb", "s3://" + bucket)).EnsureSuccess($"{way.Name}: s3 mb");
                var up = (await way.TshAwsAsync(_aws, user, "s3", "sync", source, "s3://" + bucket)).EnsureSuccess($"{way.Name}: s3 sync up");
                Assert.Equal(3, up.Stdout.Split('\n').Count(l => l.Contains("upload:", StringComparison.Ordinal)));
                var target = Path.Combine(_aws.Cluster.HomeOf(user), "sync-down-" + way.Name);
                (await way.TshAwsAsync(_aws, user, "s3", "sync", "s3://" + bucket, target)).EnsureSuccess($"{way.Name}: s3 sync down");
                foreach (var (name, bytes) in files)
                {
                    var back = await File.ReadAllBytesAsync(Path.Combine(target, name));
                    Assert.True(bytes.SequenceEqual(back), $"{way.Name}: {name} came back different");
                }

                var again = (await way.TshAwsAsync(_aws, user, "s3", "sync", source, "s3://" + bucket)).EnsureSuccess($"{way.Name}: s3 sync up again");
                Assert.DoesNotContain("upload:", again.Stdout, StringComparison.Ordinal);

                // A multipart upload (20 MB, above both CLIs' 8 MB threshold) and its download.
                (await way.TshAwsAsync(_aws, user, "s3", "cp", big, $"s3://{bucket}/big.bin")).EnsureSuccess($"{way.Name}: s3 cp (multipart up)");
                var down = Path.Combine(_aws.Cluster.HomeOf(user), "big-" + way.Name + ".bin");
                (await way.TshAwsAsync(_aws, user, "s3", "cp", $"s3://{bucket}/big.bin", down)).EnsureSuccess($"{way.Name}: s3 cp (down)");
                var downBytes = await File.ReadAllBytesAsync(down);
                Assert.True(bigBytes.SequenceEqual(downBytes), $"{way.Name}: the 20 MB object came back different");
            }
        }
        finally
        {
            await _aws.Cluster.TshAsync(user, ["logout"]);
        }
    }

    /// <summary>
    /// boto3 through <c>tsh proxy aws</c>: create_bucket, upload_file, download_file (virtual-hosted, as boto3 addresses
    /// them), generate_presigned_url in SigV2 (its default) and SigV4, used by another HTTP client (expired ones refused
    /// locally), and select_object_content, whose answer is an event stream.
    /// </summary>
    [Fact]
    public async Task Boto3_UploadFileDownloadFileAndPresignedUrls_ThroughTshProxyAws()
    {
        await _aws.AddUserWithAwsRoleAsync("sasha", "access,aws-dynamodb-access", S3Role);
        await using var proxy = await TshProxyProcess.StartAsync(_aws.Cluster.Environment("sasha"), _aws.Cluster.HomeOf("sasha"));
        var environment = _aws.Cluster.Environment("client");
        foreach (var (name, value) in proxy.Settings)
        {
            environment[name] = value;
        }

        var home = _aws.Cluster.HomeOf("sasha");
        await File.WriteAllTextAsync(Path.Combine(home, "up.txt"), "through Ferry\n");
        const string Script = """
            import sys, boto3
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket="ferry-boto3")
            s3.upload_file(sys.argv[1], "ferry-boto3", "up.txt")
            s3.download_file("ferry-boto3", "up.txt", sys.argv[2])
            print(s3.head_object(Bucket="ferry-boto3", Key="up.txt")["ContentLength"])
            import os, ssl, urllib.request
            from botocore.config import Config
            # Presigned URLs, SigV2 (boto3's default for S3) and SigV4; any HTTP client with the proxy settings may use
            # them (urllib reads HTTPS_PROXY itself).
            v4 = boto3.client("s3", region_name="us-east-1", config=Config(signature_version="s3v4"))
            for client in (s3, v4):
                url = client.generate_presigned_url("get_object", Params={"Bucket": "ferry-boto3", "Key": "up.txt"}, ExpiresIn=300)
                with urllib.request.urlopen(url, context=ssl.create_default_context(cafile=os.environ["AWS_CA_BUNDLE"]), timeout=30) as got:
                    print(got.status, repr(got.read().decode()))
            # An event-stream answer (S3 Select): its frames come back unchanged.
            s3.put_object(Bucket="ferry-boto3", Key="rows.csv", Body=b"name,n\na,1\nb,2\n")
            answer = s3.select_object_content(Bucket="ferry-boto3", Key="rows.csv", Expression="SELECT * FROM S3Object", ExpressionType="SQL",
                InputSerialization={"CSV": {"FileHeaderInfo": "USE"}}, OutputSerialization={"JSON": {}})
            events = list(answer["Payload"])
            print(b"".join(e["Records"]["Payload"] for e in events if "Records" in e).decode().splitlines()[:2], "End" in events[-1])
            """;
        var result = await Run.CommandAsync("python3", ["-c", Script, Path.Combine(home, "up.txt"), Path.Combine(home, "down.txt")], environment);

        result.EnsureSuccess("boto3 through tsh proxy aws\n" + proxy.Output);
        Assert.Equal(["14", "200 'through Ferry\\n'", "200 'through Ferry\\n'", """['{"name":"a","n":"1"}', '{"name":"b","n":"2"}'] True"""], result.Stdout.Trim().Split('\n'));
        Assert.Equal("through Ferry\n", await File.ReadAllTextAsync(Path.Combine(home, "down.txt")));

        // Expired URLs of either kind stop at the local proxy: moto sees nothing of them.
        const string Expired = """
            import os, ssl, time, urllib.request, urllib.error, boto3
            from botocore.config import Config
            urls = [boto3.client("s3", region_name="us-east-1", config=Config(signature_version=v)).generate_presigned_url(
                "get_object", Params={"Bucket": "ferry-boto3", "Key": "up.txt"}, ExpiresIn=1) for v in ("s3", "s3v4")]
            time.sleep(2.5)  # the condition under test is the clock: both URLs are past their expiry now
            for url in urls:
                try:
                    urllib.request.urlopen(url, context=ssl.create_default_context(cafile=os.environ["AWS_CA_BUNDLE"]), timeout=30)
                    print("accepted")
                except urllib.error.HTTPError as e:
                    print(e.code)
            """;
        var before = _aws.Sandbox.RequestCount();
        var expired = (await Run.CommandAsync("python3", ["-c", Expired], environment)).EnsureSuccess("expired presigned URLs");
        Assert.Equal(["403", "403"], expired.Stdout.Trim().Split('\n'));
        Assert.Equal(before, _aws.Sandbox.RequestCount());
        Assert.Contains("the presigned URL expired at", proxy.Output, StringComparison.Ordinal); // SigV2
        Assert.Contains("the presigned request expired at", proxy.Output, StringComparison.Ordinal); // SigV4
    }

    /// <summary>
    /// tctl audit ls --service/--operation over real S3 calls: the filters run in auth's search, so --limit counts
    /// matching events even when newer events of other operations come first, and Details name bucket and key.
    /// </summary>
    [Fact]
    public async Task AuditLs_ServiceAndOperation_LimitCountsOnlyMatches_AndDetailsNameBucketAndKey()
    {
        await _aws.AddUserWithAwsRoleAsync("olga", "access,aws-dynamodb-access,auditor", S3Role);
        (await _aws.TshAwsAsync("olga", "s3", "mb", "s3://ferry-audit-filter")).EnsureSuccess("tsh aws s3 mb");
        var file = Path.Combine(_aws.Cluster.HomeOf("olga"), "small.txt");
        await File.WriteAllTextAsync(file, "small\n");
        for (var i = 0; i < 6; i++)
        {
            (await _aws.TshAwsAsync("olga", "s3", "cp", file, $"s3://ferry-audit-filter/k{i}.txt")).EnsureSuccess("tsh aws s3 cp " + i);
        }

        // Newer events of other operations: the newest five events are none of them PutObject.
        for (var i = 0; i < 5; i++)
        {
            (await _aws.TshAwsAsync("olga", "s3", "ls", "--recursive", "s3://ferry-audit-filter")).EnsureSuccess("tsh aws s3 ls " + i);
        }

        await Until.TrueAsync(async () =>
        {
            var listed = (await _aws.Cluster.TctlAsAsync("olga", ["audit", "ls", "--since=10m", "--user=olga", "--operation=ListObjectsV2", "--format=json"])).EnsureSuccess("audit ls");
            return JsonDocument.Parse(listed.Stdout).RootElement.GetArrayLength() >= 5;
        }, "the audit events of the five listings");

        var newest = (await _aws.Cluster.TctlAsAsync("olga", ["audit", "ls", "--since=10m", "--user=olga", "--limit=5", "--format=json"])).EnsureSuccess("audit ls");
        Assert.DoesNotContain(JsonDocument.Parse(newest.Stdout).RootElement.EnumerateArray(), e => e.TryGetProperty("aws_operation", out var op) && op.GetString() == "PutObject");

        var five = (await _aws.Cluster.TctlAsAsync("olga", ["audit", "ls", "--since=10m", "--user=olga", "--service=S3", "--operation=PutObject", "--limit=5", "--format=json"]))
            .EnsureSuccess("audit ls --operation PutObject --limit 5");
        var events = JsonDocument.Parse(five.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(5, events.Count);
        Assert.All(events, e => Assert.Equal(("s3", "PutObject", "ferry-audit-filter"),
            (e.GetProperty("aws_service").GetString(), e.GetProperty("aws_operation").GetString(), e.GetProperty("s3_bucket").GetString())));
        Assert.Equal(["k1.txt", "k2.txt", "k3.txt", "k4.txt", "k5.txt"], events.Select(e => e.GetProperty("s3_key").GetString()).Order());

        // Text: the same five rows, Details leading with what was touched, and the hint that a sixth exists.
        var text = (await _aws.Cluster.TctlAsAsync("olga", ["audit", "ls", "--since=10m", "--user=olga", "--service=s3", "--operation=PutObject", "--limit=5"]))
            .EnsureSuccess("audit ls text");
        var rows = text.Stdout.Split('\n').Where(line => line.Contains("aws_operation=PutObject", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, rows.Count);
        Assert.All(rows, row => Assert.Matches(@"aws_service=s3 aws_operation=PutObject s3_bucket=ferry-audit-filter s3_key=k\d\.txt", row));
        Assert.Contains("More events match than the 5 shown", text.Stderr);

        // Service matches whatever its case; operation exactly.
        var lower = (await _aws.Cluster.TctlAsAsync("olga", ["audit", "ls", "--since=10m", "--user=olga", "--operation=putobject", "--format=json"])).EnsureSuccess("audit ls putobject");
        Assert.Equal(0, JsonDocument.Parse(lower.Stdout).RootElement.GetArrayLength());
    }

    [Theory]
    [InlineData("--operation", "", "--operation is empty; give an AWS operation name such as PutObject")]
    [InlineData("--service", " ", "--service is empty; give an AWS service name such as s3")]
    [InlineData("--service", "s3/x", "--service \"s3/x\" is not an AWS service name")]
    [InlineData("--operation", "Put Object", "--operation \"Put Object\" is not an AWS operation name")]
    [InlineData("--operation=", null, "Required argument missing for option: '--operation'")] // the parser's own words
    public async Task AuditLs_BadServiceOrOperation_SaysWhatIsWrong_AndFails(string flag, string? value, string expected)
    {
        var result = await _aws.Cluster.TctlLocalAsync(value is null ? ["audit", "ls", flag] : ["audit", "ls", flag, value]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal); // no stack trace
    }
}
