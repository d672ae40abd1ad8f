using System.Text;
using System.Text.Json;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>
/// SQS, STS, KMS, Secrets Manager and Lambda through the guide's one app (issue 11), with a sandbox role that allows
/// those services and nothing else (scripts/aws-sandbox.sh), against moto with signatures and IAM enforced. Every
/// command runs four ways: aws CLI v1 (pyenv, on PATH) and v2 (Debian's /usr/bin/aws) as the <c>aws</c> that tsh
/// finds on PATH, each through <c>tsh aws</c> (HTTPS_PROXY, the default) and <c>tsh aws -e</c> (endpoint URL).
/// Each request's audit event names its service and operation (docs/aws-services.md).
/// </summary>
public sealed class TshAwsServicesTests : IClassFixture<AwsClusterFixture>
{
    private const string ServicesRole = "ExampleTeleportServicesRole";
    private const string ServicesRoleArn = "arn:aws:iam::123456789000:role/" + ServicesRole;
    private readonly AwsCluster _aws;

    public TshAwsServicesTests(AwsClusterFixture fixture)
    {
        _aws = fixture.Aws;
    }

    [Fact]
    public async Task Sqs_CreateQueue_SendMessage_ReceiveMessage_DeleteQueue_BothClisBothModes()
    {
        const string User = "quinn";
        await LogInWithTheServicesRoleAsync(User);
        try
        {
            foreach (var way in AwsCliWay.All)
            {
                var queue = "ferry-" + way.Name;
                var created = (await way.TshAwsAsync(_aws, User, "sqs", "create-queue", "--queue-name", queue)).EnsureSuccess($"{way.Name}: sqs create-queue");
                var url = Json(created).GetProperty("QueueUrl").GetString()!;
                Assert.EndsWith("/123456789000/" + queue, url);

                var body = "hello from " + way.Name;
                (await way.TshAwsAsync(_aws, User, "sqs", "send-message", "--queue-url", url, "--message-body", body)).EnsureSuccess($"{way.Name}: sqs send-message");
                var received = (await way.TshAwsAsync(_aws, User, "sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "1")).EnsureSuccess($"{way.Name}: sqs receive-message");
                var message = Assert.Single(Json(received).GetProperty("Messages").EnumerateArray());
                Assert.Equal(body, message.GetProperty("Body").GetString());

                (await way.TshAwsAsync(_aws, User, "sqs", "delete-queue", "--queue-url", url)).EnsureSuccess($"{way.Name}: sqs delete-queue");
            }

            // CLI v1 (botocore 1.43) speaks SQS's JSON protocol (X-Amz-Target AmazonSQS.SendMessage); v2.9 the query
            // protocol (Action=SendMessage in the form body). Both are named.
            var events = await AuditAsync(User, ("CreateQueue", 4), ("SendMessage", 4), ("ReceiveMessage", 4), ("DeleteQueue", 4));
            Assert.All(events.Where(e => Operation(e) is "CreateQueue" or "SendMessage" or "ReceiveMessage" or "DeleteQueue"),
                e => Assert.Equal("sqs", e.GetProperty("aws_service").GetString()));
        }
        finally
        {
            await _aws.Cluster.TshAsync(User, ["logout"]);
        }
    }

    [Fact]
    public async Task Sts_GetCallerIdentity_IsTheServicesRoleAssumedWithTheFerryUserName_BothClisBothModes()
    {
        const string User = "stella";
        await LogInWithTheServicesRoleAsync(User);
        try
        {
            foreach (var way in AwsCliWay.All)
            {
                var identity = (await way.TshAwsAsync(_aws, User, "sts", "get-caller-identity")).EnsureSuccess($"{way.Name}: sts get-caller-identity");
                Assert.Equal($"arn:aws:sts::123456789000:assumed-role/{ServicesRole}/{User}", Json(identity).GetProperty("Arn").GetString());
            }

            var events = await AuditAsync(User, ("GetCallerIdentity", 4));
            Assert.All(events.Where(e => Operation(e) == "GetCallerIdentity"), e => Assert.Equal("sts", e.GetProperty("aws_service").GetString()));
        }
        finally
        {
            await _aws.Cluster.TshAsync(User, ["logout"]);
        }
    }

    [Fact]
    public async Task Kms_CreateKey_Encrypt_Decrypt_RoundTrip_BothClisBothModes()
    {
        const string User = "kiran";
        await LogInWithTheServicesRoleAsync(User);
        var home = _aws.Cluster.HomeOf(User);
        try
        {
            foreach (var way in AwsCliWay.All)
            {
                var keyId = (await way.TshAwsAsync(_aws, User, "kms", "create-key", "--description", "ferry " + way.Name, "--query", "KeyMetadata.KeyId", "--output", "text"))
                    .EnsureSuccess($"{way.Name}: kms create-key").Stdout.Trim();
                Assert.Matches("^[0-9a-f-]{36}$", keyId);

                // fileb:// passes raw bytes in both CLIs (v1 would send a plain base64 argument as its text, v2 decodes it).
                var plaintext = "secret of " + way.Name;
                var plainPath = Path.Combine(home, way.Name + ".plain");
                await File.WriteAllTextAsync(plainPath, plaintext);
                var cipher = (await way.TshAwsAsync(_aws, User, "kms", "encrypt", "--key-id", keyId, "--plaintext", "fileb://" + plainPath, "--query", "CiphertextBlob", "--output", "text"))
                    .EnsureSuccess($"{way.Name}: kms encrypt").Stdout.Trim();
                var cipherPath = Path.Combine(home, way.Name + ".cipher");
                await File.WriteAllBytesAsync(cipherPath, Convert.FromBase64String(cipher));
                Assert.DoesNotContain(plaintext, Encoding.UTF8.GetString(Convert.FromBase64String(cipher)));

                var decrypted = (await way.TshAwsAsync(_aws, User, "kms", "decrypt", "--ciphertext-blob", "fileb://" + cipherPath, "--query", "Plaintext", "--output", "text"))
                    .EnsureSuccess($"{way.Name}: kms decrypt").Stdout.Trim();
                Assert.Equal(plaintext, Encoding.UTF8.GetString(Convert.FromBase64String(decrypted)));
            }

            var events = await AuditAsync(User, ("CreateKey", 4), ("Encrypt", 4), ("Decrypt", 4));
            Assert.All(events.Where(e => Operation(e) is "CreateKey" or "Encrypt" or "Decrypt"), e => Assert.Equal("kms", e.GetProperty("aws_service").GetString()));
        }
        finally
        {
            await _aws.Cluster.TshAsync(User, ["logout"]);
        }
    }

    [Fact]
    public async Task SecretsManager_CreateSecret_GetSecretValue_DeleteSecret_BothClisBothModes()
    {
        const string User = "sami";
        await LogInWithTheServicesRoleAsync(User);
        try
        {
            foreach (var way in AwsCliWay.All)
            {
                var name = "ferry/" + way.Name;
                var value = "s3cr3t value of " + way.Name + " \"quoted\"";
                var created = (await way.TshAwsAsync(_aws, User, "secretsmanager", "create-secret", "--name", name, "--secret-string", value)).EnsureSuccess($"{way.Name}: create-secret");
                Assert.Equal(name, Json(created).GetProperty("Name").GetString());

                var got = (await way.TshAwsAsync(_aws, User, "secretsmanager", "get-secret-value", "--secret-id", name)).EnsureSuccess($"{way.Name}: get-secret-value");
                Assert.Equal(value, Json(got).GetProperty("SecretString").GetString());

                var deleted = (await way.TshAwsAsync(_aws, User, "secretsmanager", "delete-secret", "--secret-id", name, "--force-delete-without-recovery")).EnsureSuccess($"{way.Name}: delete-secret");
                Assert.Equal(name, Json(deleted).GetProperty("Name").GetString());
                var gone = await way.TshAwsAsync(_aws, User, "secretsmanager", "get-secret-value", "--secret-id", name);
                Assert.NotEqual(0, gone.ExitCode);
                Assert.Contains("ResourceNotFoundException", gone.Stderr);
            }

            var events = await AuditAsync(User, ("CreateSecret", 4), ("GetSecretValue", 8), ("DeleteSecret", 4));
            Assert.All(events.Where(e => Operation(e) is "CreateSecret" or "GetSecretValue" or "DeleteSecret"),
                e => Assert.Equal("secretsmanager", e.GetProperty("aws_service").GetString()));
        }
        finally
        {
            await _aws.Cluster.TshAsync(User, ["logout"]);
        }
    }

    /// <summary>
    /// moto 5.2.1 cannot check the signature of a Lambda request without a body (GET list-functions, GET get-function):
    /// it signs the request's headers in place of the empty body and answers <c>SignatureDoesNotMatch</c>, to the aws CLI
    /// directly as to Ferry (docs/testing.md §4.5). Requests with a body are checked properly: <c>create-function</c>
    /// succeeds, and <c>invoke --payload</c> of a missing function shows AWS's own ResourceNotFoundException coming back
    /// unchanged.
    /// </summary>
    [Fact]
    public async Task Lambda_CreateFunction_Invoke_ListFunctions_GetFunction_AreNamedWithTheFunction_AndAwsErrorsPassThrough_BothClisBothModes()
    {
        const string User = "lars";
        await LogInWithTheServicesRoleAsync(User);
        var home = _aws.Cluster.HomeOf(User);
        await File.WriteAllTextAsync(Path.Combine(home, "payload.json"), """{"ping":1}""");
        var zip = Path.Combine(home, "function.zip");
        using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Create))
        {
            await using var handler = new StreamWriter(archive.CreateEntry("handler.py").Open());
            await handler.WriteAsync("def handler(event, context):\n    return event\n");
        }

        try
        {
            // The control: moto refuses an unsigned-body Lambda GET even from the aws CLI with valid keys, no Ferry involved.
            var direct = await Run.CommandAsync("aws", ["--endpoint-url", _aws.Sandbox.Endpoint, "lambda", "list-functions"], DirectEnvironment(), workingDirectory: home);
            Assert.NotEqual(0, direct.ExitCode);
            Assert.Contains("SignatureDoesNotMatch", direct.Stderr);

            foreach (var way in AwsCliWay.All)
            {
                // The execution role must exist in moto; the services role does (it is not assumed by anything here).
                var created = (await way.TshAwsAsync(_aws, User, "lambda", "create-function", "--function-name", "ferry-fn-" + way.Name, "--runtime", "python3.11",
                    "--handler", "handler.handler", "--role", ServicesRoleArn, "--zip-file", "fileb://" + zip)).EnsureSuccess($"{way.Name}: lambda create-function");
                Assert.Equal("arn:aws:lambda:us-east-1:123456789000:function:ferry-fn-" + way.Name, Json(created).GetProperty("FunctionArn").GetString());

                var invoked = await way.TshAwsAsync(_aws, User, "lambda", "invoke", "--function-name", "ferry-missing-" + way.Name,
                    "--payload", "fileb://" + Path.Combine(home, "payload.json"), Path.Combine(home, way.Name + ".out"));
                Assert.NotEqual(0, invoked.ExitCode);
                Assert.Contains("ResourceNotFoundException", invoked.Stderr);
                Assert.Contains("Invoke operation", invoked.Stderr);

                var listed = await way.TshAwsAsync(_aws, User, "lambda", "list-functions");
                Assert.NotEqual(0, listed.ExitCode);
                Assert.Contains("SignatureDoesNotMatch", listed.Stderr); // moto's quirk, as in the control above
                Assert.Contains("ListFunctions operation", listed.Stderr);

                var got = await way.TshAwsAsync(_aws, User, "lambda", "get-function", "--function-name", "ferry-missing-" + way.Name);
                Assert.NotEqual(0, got.ExitCode);
                Assert.Contains("SignatureDoesNotMatch", got.Stderr);
            }

            var events = await AuditAsync(User, ("CreateFunction", 4), ("Invoke", 4), ("ListFunctions", 4), ("GetFunction", 4));
            Assert.All(events.Where(e => Operation(e) == "CreateFunction"), e => Assert.Equal(("lambda", 201), (e.GetProperty("aws_service").GetString(), e.GetProperty("status_code").GetInt32())));
            foreach (var way in AwsCliWay.All)
            {
                var invoke = Assert.Single(events, e => Operation(e) == "Invoke" && e.GetProperty("lambda_function").GetString() == "ferry-missing-" + way.Name);
                Assert.Equal(("lambda", 404), (invoke.GetProperty("aws_service").GetString(), invoke.GetProperty("status_code").GetInt32()));
                var get = Assert.Single(events, e => Operation(e) == "GetFunction" && e.GetProperty("lambda_function").GetString() == "ferry-missing-" + way.Name);
                Assert.Equal("lambda", get.GetProperty("aws_service").GetString());
            }

            Assert.All(events.Where(e => Operation(e) == "ListFunctions"), e =>
            {
                Assert.Equal("lambda", e.GetProperty("aws_service").GetString());
                Assert.False(e.TryGetProperty("lambda_function", out var function) && function.ValueKind != JsonValueKind.Null);
            });
        }
        finally
        {
            await _aws.Cluster.TshAsync(User, ["logout"]);
        }
    }

    [Fact]
    public async Task TheServicesRole_CannotListDynamoDbTables_AwsAccessDeniedPassesThrough()
    {
        const string User = "lena";
        await LogInWithTheServicesRoleAsync(User);
        try
        {
            foreach (var way in AwsCliWay.All)
            {
                var result = await way.TshAwsAsync(_aws, User, "dynamodb", "list-tables");
                Assert.Equal(way.Cli == "v1" ? 255 : 254, result.ExitCode); // each CLI's own code for a service error
                Assert.Contains("AccessDenied", result.Stderr);
                Assert.Contains($"assumed-role/{ServicesRole}/{User} is not authorized to perform: dynamodb:ListTables", result.Stderr);
            }

            var events = await AuditAsync(User, ("ListTables", 4));
            Assert.All(events.Where(e => Operation(e) == "ListTables"), e => Assert.Equal(("dynamodb", 403), (e.GetProperty("aws_service").GetString(), e.GetProperty("status_code").GetInt32())));
        }
        finally
        {
            await _aws.Cluster.TshAsync(User, ["logout"]);
        }
    }

    private async Task LogInWithTheServicesRoleAsync(string user)
    {
        await _aws.AddUserWithAwsRoleAsync(user, "access,aws-dynamodb-access,auditor", ServicesRole);

        await AwsCliWay.AssertBothClisAsync(_aws, user);
    }

    /// <summary>The aws CLI straight at moto with the agent's own IAM user keys (its environment file), no Ferry.</summary>
    private Dictionary<string, string?> DirectEnvironment()
    {
        var environment = _aws.Cluster.Environment("direct");
        foreach (var (name, value) in _aws.Sandbox.AgentEnvironment)
        {
            environment[name] = value;
        }

        environment["AWS_ENDPOINT_URL"] = null;
        return environment;
    }

    /// <summary>
    /// The user's app.session.request events (app.session.dynamodb.request for DynamoDB) once each operation has been seen at least the given number of times (the
    /// agent sends events in batches); every event names its service and operation.
    /// </summary>
    private async Task<List<JsonElement>> AuditAsync(string user, params (string Operation, int Count)[] expected)
    {
        var events = new List<JsonElement>();
        await Until.TrueAsync(async () =>
        {
            var audit = (await _aws.Cluster.TctlAsAsync(user, ["audit", "ls", "--since=10m", "--user=" + user, "--format=json",
                "--type=app.session.request", "--type=app.session.dynamodb.request"])).EnsureSuccess("audit ls");
            events = JsonDocument.Parse(audit.Stdout).RootElement.EnumerateArray().ToList();
            return expected.All(x => events.Count(e => Operation(e) == x.Operation) >= x.Count);
        }, "the audit events of " + string.Join(", ", expected.Select(x => $"{x.Count}× {x.Operation}")), TimeSpan.FromSeconds(30));

        Assert.All(events, e =>
        {
            Assert.False(string.IsNullOrEmpty(Operation(e)), "an event without aws_operation: " + e);
            Assert.False(string.IsNullOrEmpty(e.TryGetProperty("aws_service", out var service) ? service.GetString() : null), "an event without aws_service: " + e);
            Assert.Equal(ServicesRoleArn, e.GetProperty("aws_role_arn").GetString());
        });
        return events;
    }

    private static string? Operation(JsonElement e) =>
        e.TryGetProperty("aws_operation", out var operation) && operation.ValueKind == JsonValueKind.String ? operation.GetString() : null;

    private static JsonElement Json(ProcessResult result)
    {
        using var document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.Clone();
    }
}
