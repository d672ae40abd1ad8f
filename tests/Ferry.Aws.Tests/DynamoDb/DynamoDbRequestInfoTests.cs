using System.Text;
using Ferry.Aws.DynamoDb;

namespace Ferry.Aws.Tests.DynamoDb;

public sealed class DynamoDbRequestInfoTests
{
    [Theory]
    [InlineData("DynamoDB_20120810.Scan", "{\"TableName\":\"items\"}", "items")]
    [InlineData("DynamoDB_20120810.CreateGlobalTable", "{\"GlobalTableName\":\"g\",\"ReplicationGroup\":[]}", "g")]
    [InlineData("DynamoDB_20120810.BatchWriteItem", "{\"RequestItems\":{\"a\":[{}],\"b\":[{}]}}", "a,b")]
    [InlineData("DynamoDB_20120810.BatchGetItem", "{\"RequestItems\":{\"a\":{\"Keys\":[]}},\"ReturnConsumedCapacity\":\"NONE\"}", "a")]
    [InlineData("DynamoDB_20120810.TransactWriteItems",
        "{\"TransactItems\":[{\"Put\":{\"TableName\":\"t1\"}},{\"Update\":{\"TableName\":\"t2\"}},{\"Delete\":{\"TableName\":\"t1\"}},{\"ConditionCheck\":{\"TableName\":\"t3\"}}]}",
        "t1,t2,t3")]
    [InlineData("DynamoDB_20120810.TransactGetItems", "{\"TransactItems\":[{\"Get\":{\"TableName\":\"t\",\"Key\":{}}}]}", "t")]
    [InlineData("DynamoDB_20120810.TagResource", "{\"ResourceArn\":\"arn:aws:dynamodb:us-east-1:123456789012:table/Music\",\"Tags\":[]}", "Music")]
    [InlineData("DynamoDB_20120810.DescribeStream", "{\"StreamArn\":\"x\"}", "")]
    [InlineData("DynamoDB_20120810.ListTables", "{}", "")]
    [InlineData("DynamoDB_20120810.Scan", "not json at all", "")]
    [InlineData("DynamoDB_20120810.Scan", "{\"TableName\":", "")]
    [InlineData("DynamoDB_20120810.Scan", "[\"TableName\"]", "")]
    [InlineData("DynamoDB_20120810.Scan", "{\"TableName\":42}", "")]
    [InlineData(null, "", "")]
    public void Extract_Body_TableNames(string? target, string body, string expected)
    {
        var info = DynamoDbRequestInfo.Extract(target, Encoding.UTF8.GetBytes(body));

        Assert.Equal(target, info.Target);
        Assert.Equal(expected, string.Join(',', info.TableNames));
    }

    [Fact]
    public void Extract_DeeplyNested_DoesNotThrow()
    {
        var body = new string('[', 5000) + new string(']', 5000);

        Assert.Empty(DynamoDbRequestInfo.Extract("DynamoDB_20120810.Scan", Encoding.UTF8.GetBytes(body)).TableNames);
    }

    [Theory]
    [InlineData("DynamoDB_20120810.Scan", "Scan")]
    [InlineData("DynamoDBStreams_20120810.GetRecords", "GetRecords")]
    [InlineData("NoDot", "NoDot")]
    public void Operation_FromTarget(string target, string operation)
    {
        Assert.Equal(operation, DynamoDbRequestInfo.Extract(target, []).Operation);
    }

    [Theory]
    [InlineData("application/x-amz-json-1.0", "{\"TableName\":\"t\"}", true)]
    [InlineData("application/x-amz-json-1.1; charset=utf-8", "{\"a\":1}", true)]
    [InlineData("application/json", "{}", true)]
    [InlineData("text/plain", "{}", false)]
    [InlineData("application/json", "[1]", false)]
    [InlineData("application/json", "{oops", false)]
    [InlineData(null, "{}", false)]
    public void TryParseAuditBody_OnlyJsonObjects(string? contentType, string body, bool ok)
    {
        Assert.Equal(ok, DynamoDbRequestInfo.TryParseAuditBody(contentType, Encoding.UTF8.GetBytes(body), out var json));
        if (ok)
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Object, json.ValueKind);
        }
    }

    [Theory]
    [InlineData("dynamodb", true)]
    [InlineData("dax", true)]
    [InlineData("s3", false)]
    public void IsDynamoDbService_SigningName(string service, bool expected)
    {
        Assert.Equal(expected, DynamoDbRequestInfo.IsDynamoDbService(service));
    }
}
