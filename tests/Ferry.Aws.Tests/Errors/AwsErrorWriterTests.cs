using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Ferry.Aws.Errors;
using Ferry.Aws.Tests.Infrastructure;
using Ferry.Core.Errors;

namespace Ferry.Aws.Tests.Errors;

public sealed class AwsErrorWriterTests
{
    [Theory]
    // service, Content-Type, X-Amz-Target, query, expected
    [InlineData("dynamodb", "application/x-amz-json-1.0", "DynamoDB_20120810.Scan", null, AwsProtocol.Json)]
    [InlineData("kms", "application/x-amz-json-1.1", null, null, AwsProtocol.Json)]
    [InlineData("logs", null, "Logs_20140328.PutLogEvents", null, AwsProtocol.Json)]
    [InlineData("sts", "application/x-www-form-urlencoded; charset=utf-8", null, null, AwsProtocol.Query)]
    [InlineData("iam", null, null, "Action=ListUsers&Version=2010-05-08", AwsProtocol.Query)]
    [InlineData("sqs", null, null, null, AwsProtocol.Query)]
    [InlineData("s3", "text/plain", null, "list-type=2", AwsProtocol.RestXml)]
    [InlineData("s3", null, null, null, AwsProtocol.RestXml)]
    [InlineData("lambda", "application/json", null, null, AwsProtocol.RestJson)]
    [InlineData("execute-api", null, null, null, AwsProtocol.RestJson)]
    public void DetectProtocol_RequestShape(string service, string? contentType, string? target, string? query, AwsProtocol expected)
    {
        Assert.Equal(expected, AwsErrorWriter.DetectProtocol(service, contentType, target, query));
    }

    [Fact]
    public void Create_Json_TypeAndMessage()
    {
        var response = AwsErrorWriter.Create(AwsProtocol.Json, 403, "AccessDeniedException", "no \"access\" to table", "req-1");

        var body = JsonNode.Parse(response.Body)!;
        Assert.Equal(403, response.StatusCode);
        Assert.Equal("application/x-amz-json-1.0", response.ContentType);
        Assert.Equal("AccessDeniedException", (string?)body["__type"]);
        Assert.Equal("no \"access\" to table", (string?)body["message"]);
        Assert.Contains(response.Headers, h => h.Key == "X-Teleport-Api-Error" && h.Value == "no \"access\" to table");
    }

    [Fact]
    public void Create_Query_ErrorResponseXml()
    {
        var response = AwsErrorWriter.Create(AwsProtocol.Query, 403, "AccessDenied", "a <b> & c", "req-2");

        var xml = XDocument.Parse(Encoding.UTF8.GetString(response.Body));
        Assert.Equal("text/xml", response.ContentType);
        Assert.Equal("ErrorResponse", xml.Root!.Name.LocalName);
        Assert.Equal("Sender", xml.Root.Element("Error")!.Element("Type")!.Value);
        Assert.Equal("AccessDenied", xml.Root.Element("Error")!.Element("Code")!.Value);
        Assert.Equal("a <b> & c", xml.Root.Element("Error")!.Element("Message")!.Value);
        Assert.Equal("req-2", xml.Root.Element("RequestId")!.Value);
    }

    [Fact]
    public void Create_RestXml_ErrorXml()
    {
        var response = AwsErrorWriter.Create(AwsProtocol.RestXml, 503, "ServiceUnavailable", "later");

        var xml = XDocument.Parse(Encoding.UTF8.GetString(response.Body));
        Assert.Equal("Error", xml.Root!.Name.LocalName);
        Assert.Equal("ServiceUnavailable", xml.Root.Element("Code")!.Value);
        Assert.Equal("later", xml.Root.Element("Message")!.Value);
    }

    [Theory]
    [InlineData("line one\r\nline two", "line one  line two")]
    [InlineData("naïve ✓", "na?ve ?")]
    public void Create_HeaderValue_SingleLineAscii(string message, string header)
    {
        var response = AwsErrorWriter.Create(AwsProtocol.Json, 400, "ValidationException", message);

        Assert.Equal(header, response.Headers.Single(h => h.Key == AwsErrorWriter.ApiErrorHeader).Value);
        Assert.Equal(message, (string?)JsonNode.Parse(response.Body)!["message"]);
    }

    [Theory]
    [InlineData(ErrorKind.AccessDenied, AwsProtocol.Json, 403, "AccessDeniedException")]
    [InlineData(ErrorKind.AccessDenied, AwsProtocol.Query, 403, "AccessDenied")]
    [InlineData(ErrorKind.AccessDenied, AwsProtocol.RestXml, 403, "AccessDenied")]
    [InlineData(ErrorKind.BadParameter, AwsProtocol.Json, 400, "ValidationException")]
    [InlineData(ErrorKind.BadParameter, AwsProtocol.Query, 400, "ValidationError")]
    [InlineData(ErrorKind.LimitExceeded, AwsProtocol.Json, 429, "LimitExceededException")]
    [InlineData(ErrorKind.Unavailable, AwsProtocol.Query, 503, "ServiceUnavailable")]
    [InlineData(ErrorKind.Internal, AwsProtocol.RestXml, 500, "InternalError")]
    public void FromException_KindToStatusAndCode(ErrorKind kind, AwsProtocol protocol, int status, string code)
    {
        var response = AwsErrorWriter.FromException(new FerryException(kind, "detail"), protocol);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(code, Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Json_DynamoDbSdkReportsCodeAndMessage()
    {
        var error = AwsErrorWriter.Create(AwsProtocol.Json, 403, "AccessDeniedException", "role arn:aws:iam::1:role/R is not allowed");
        var config = new AmazonDynamoDBConfig
        {
            RegionEndpoint = RegionEndpoint.USEast1,
            MaxErrorRetry = 0,
            HttpClientFactory = new HandlerHttpClientFactory(new FixedResponseHandler(error.StatusCode, error.ContentType, error.Body, error.Headers)),
        };
        using var client = new AmazonDynamoDBClient(new BasicAWSCredentials("AKID", "secret"), config);

        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => client.ListTablesAsync());

        Assert.Equal("AccessDeniedException", e.ErrorCode);
        Assert.Equal("role arn:aws:iam::1:role/R is not allowed", e.Message);
    }

    [Fact]
    public async Task Create_Query_StsSdkReportsCodeAndMessage()
    {
        var error = AwsErrorWriter.Create(AwsProtocol.Query, 403, "AccessDenied", "minimum AWS session duration is 15m0s");
        var config = new AmazonSecurityTokenServiceConfig
        {
            RegionEndpoint = RegionEndpoint.USEast1,
            MaxErrorRetry = 0,
            HttpClientFactory = new HandlerHttpClientFactory(new FixedResponseHandler(error.StatusCode, error.ContentType, error.Body, error.Headers)),
        };
        using var client = new AmazonSecurityTokenServiceClient(new BasicAWSCredentials("AKID", "secret"), config);

        var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => client.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("AccessDenied", e.ErrorCode);
        Assert.Equal("minimum AWS session duration is 15m0s", e.Message);
    }

    [Fact]
    public async Task Create_EachProtocol_BotocoreParsesCodeAndMessage()
    {
        var cases = new (AwsProtocol Protocol, string Botocore, string Code)[]
        {
            (AwsProtocol.Json, "json", "AccessDeniedException"),
            (AwsProtocol.Query, "query", "AccessDenied"),
            (AwsProtocol.RestXml, "rest-xml", "AccessDenied"),
            (AwsProtocol.RestJson, "rest-json", "AccessDeniedException"),
        };
        var input = new JsonArray(cases.Select(c =>
        {
            var r = AwsErrorWriter.Create(c.Protocol, 403, c.Code, "denied by Ferry");
            var headers = new JsonObject { ["content-type"] = r.ContentType };
            foreach (var (k, v) in r.Headers)
            {
                headers[k.ToLowerInvariant()] = v;
            }

            return (JsonNode)new JsonObject { ["protocol"] = c.Botocore, ["status"] = r.StatusCode, ["headers"] = headers, ["body_b64"] = Convert.ToBase64String(r.Body) };
        }).ToArray());

        var parsed = JsonNode.Parse(await PythonRunner.RunScriptAsync("botocore_parse_error.py", string.Empty, input.ToJsonString()))!.AsArray();

        for (var i = 0; i < cases.Length; i++)
        {
            Assert.Equal(cases[i].Code, (string?)parsed[i]!["Code"]);
            Assert.Equal("denied by Ferry", (string?)parsed[i]!["Message"]);
        }
    }
}
