using Ferry.Aws.Operations;

namespace Ferry.Aws.Tests.Operations;

public sealed class AwsOperationsTests
{
    [Theory]
    [InlineData("GET", "/", "", "ListBuckets", null, null)]
    [InlineData("PUT", "/", "", "CreateBucket", "bk1", null)]
    [InlineData("GET", "/", "list-type=2&prefix=dir%2F", "ListObjectsV2", "bk1", null)]
    [InlineData("GET", "/", "prefix=x", "ListObjects", "bk1", null)]
    [InlineData("HEAD", "/", "", "HeadBucket", "bk1", null)]
    [InlineData("DELETE", "/", "", "DeleteBucket", "bk1", null)]
    [InlineData("POST", "/", "delete", "DeleteObjects", "bk1", null)]
    [InlineData("PUT", "/dir/a%20b.txt", "", "PutObject", "bk1", "dir/a%20b.txt")]
    [InlineData("GET", "/dir/a.txt", "", "GetObject", "bk1", "dir/a.txt")]
    [InlineData("HEAD", "/dir/a.txt", "", "HeadObject", "bk1", "dir/a.txt")]
    [InlineData("DELETE", "/a.txt", "", "DeleteObject", "bk1", "a.txt")]
    [InlineData("POST", "/big.bin", "uploads", "CreateMultipartUpload", "bk1", "big.bin")]
    [InlineData("PUT", "/up.bin", "x-id=PutObject", "PutObject", "bk1", "up.bin")]
    [InlineData("PUT", "/up.bin", "x-id=GetObject", "PutObject", "bk1", "up.bin")]
    [InlineData("POST", "/rows.csv", "select&select-type=2", "SelectObjectContent", "bk1", "rows.csv")]
    [InlineData("POST", "/cold.bin", "restore", "RestoreObject", "bk1", "cold.bin")]
    [InlineData("PUT", "/big.bin", "partNumber=2&uploadId=u1", "UploadPart", "bk1", "big.bin")]
    [InlineData("POST", "/big.bin", "uploadId=u1", "CompleteMultipartUpload", "bk1", "big.bin")]
    [InlineData("DELETE", "/big.bin", "uploadId=u1", "AbortMultipartUpload", "bk1", "big.bin")]
    public void S3_ByHost(string method, string path, string query, string operation, string? bucket, string? key)
    {
        var host = operation == "ListBuckets" ? "s3.amazonaws.com" : "bk1.s3.us-east-1.amazonaws.com";
        var described = AwsOperations.Describe("s3", method, path, query, null, host);
        Assert.Equal((operation, bucket, key), (described.Name, described.Bucket, described.Key));
    }

    [Theory]
    [InlineData("PUT", "/bk1", "", "CreateBucket", "bk1", null)]
    [InlineData("GET", "/bk1", "list-type=2", "ListObjectsV2", "bk1", null)]
    [InlineData("PUT", "/bk1/dir/a.txt", "", "PutObject", "bk1", "dir/a.txt")]
    [InlineData("GET", "/bk1/", "location", "GetBucketLocation", "bk1", null)]
    public void S3_ByPath(string method, string path, string query, string operation, string? bucket, string? key)
    {
        var described = AwsOperations.Describe("s3", method, path, query, null, null);
        Assert.Equal((operation, bucket, key), (described.Name, described.Bucket, described.Key));
    }

    [Fact]
    public void JsonProtocols_ByTarget_QueryProtocol_ByAction_Lambda_ByPath()
    {
        Assert.Equal("GetItem", AwsOperations.Describe("dynamodb", "POST", "/", "", "DynamoDB_20120810.GetItem", null).Name);
        Assert.Equal("GetSecretValue", AwsOperations.Describe("secretsmanager", "POST", "/", "", "secretsmanager.GetSecretValue", null).Name);
        Assert.Equal("GetCallerIdentity", AwsOperations.Describe("sts", "POST", "/", "", null, null, "Action=GetCallerIdentity&Version=2011-06-15").Name);
        Assert.Equal("ListUsers", AwsOperations.Describe("iam", "GET", "/", "Action=ListUsers&Version=2010-05-08", null, null).Name);
        Assert.Null(AwsOperations.Describe("sqs", "POST", "/", "", null, null, "Action=Send%3Cscript%3E").Name); // not an operation name
        var invoke = AwsOperations.Describe("lambda", "POST", "/2015-03-31/functions/my-fn/invocations", "", null, null);
        Assert.Equal(("Invoke", "my-fn"), (invoke.Name, invoke.Function));
        Assert.Equal("ListFunctions", AwsOperations.Describe("lambda", "GET", "/2015-03-31/functions/", "", null, null).Name);
    }
}
