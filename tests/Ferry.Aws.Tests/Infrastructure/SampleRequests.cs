using System.Text;

namespace Ferry.Aws.Tests.Infrastructure;

/// <summary>Unsigned requests covering the canonicalisation corners: query sorting, escaping, unicode, S3 paths, whitespace.</summary>
internal static class SampleRequests
{
    public static readonly AwsCredentials Throwaway = new("AKIDTHROWAWAY0EXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    public static readonly DateTimeOffset SignedAt = new(2026, 11, 24, 12, 36, 0, TimeSpan.Zero);

    public static readonly IReadOnlyDictionary<string, (string Region, string Service, WireRequest Request)> All =
        new Dictionary<string, (string, string, WireRequest)>
        {
            ["dynamodb-scan"] = ("us-east-1", "dynamodb", Post(
                "https://dynamodb.us-east-1.amazonaws.com/", "{\"TableName\":\"items\"}",
                ("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "DynamoDB_20120810.Scan"))),
            ["sts-form"] = ("us-east-1", "sts", Post(
                "https://sts.us-east-1.amazonaws.com/", "Action=GetCallerIdentity&Version=2011-06-15",
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"))),
            ["apigw-query"] = ("us-east-1", "execute-api", Get(
                "https://abc123.execute-api.us-east-1.amazonaws.com/prod/items/a%20b?b=2&a=1&a=0&empty=&sp=x%20y&tilde=~z")),
            ["query-repeated-escaped"] = ("eu-west-1", "execute-api", Get(
                "https://abc123.execute-api.eu-west-1.amazonaws.com/prod?k=%2F&k=a&k=~&plus=a%2Bb&Zed=1&zed=2&flag")),
            ["unicode-path"] = ("ca-central-1", "execute-api", Get(
                "https://abc123.execute-api.ca-central-1.amazonaws.com/prod/caf%C3%A9/%E2%9C%93?q=%E2%9C%93%20%F0%9F%98%80")),
            ["reserved-chars-path"] = ("us-east-1", "execute-api", Get(
                "https://abc123.execute-api.us-east-1.amazonaws.com/prod/a=b:c@d!$'()*,;+/e%2Ff")),
            ["double-slash-path"] = ("us-east-1", "execute-api", Get(
                "https://abc123.execute-api.us-east-1.amazonaws.com/prod//items/")),
            ["header-whitespace"] = ("us-west-2", "execute-api", Get(
                "https://abc123.execute-api.us-west-2.amazonaws.com/prod",
                ("X-Custom", "  a   b  c  "), ("X-Other", "x,  y"))),
            ["s3-list-acl"] = ("us-east-1", "s3", Get("https://s3.us-east-1.amazonaws.com/bucket?acl")),
            ["s3-equals-bucket"] = ("us-east-1", "s3", Get("https://s3.us-east-1.amazonaws.com/%3Dbucket%3Dname%3D/key%20a%2Bb.txt")),
            ["s3-put-object"] = ("us-west-2", "s3", Put(
                "https://my-bucket.s3.us-west-2.amazonaws.com/dir/file.txt", "hello, world", ("Content-Type", "text/plain"))),
            ["china-dynamodb"] = ("cn-north-1", "dynamodb", Post(
                "https://dynamodb.cn-north-1.amazonaws.com.cn/", "{\"TableName\":\"t\\u00e9\"}",
                ("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "DynamoDB_20120810.DescribeTable"))),
        };

    public static IEnumerable<object[]> Names => All.Keys.Select(k => new object[] { k });

    private static WireRequest Get(string url, params (string, string)[] headers) =>
        new("GET", url, headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2)).ToList(), []);

    private static WireRequest Post(string url, string body, params (string, string)[] headers) =>
        new("POST", url, headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2)).ToList(), Encoding.UTF8.GetBytes(body));

    private static WireRequest Put(string url, string body, params (string, string)[] headers) =>
        Post(url, body, headers) with { Method = "PUT" };
}
