using Ferry.Aws.Endpoints;

namespace Ferry.Aws.Operations;

/// <summary>
/// Names the operation of an AWS request for the audit log, per protocol (docs/aws-services.md "Audit"): JSON
/// protocols by <c>X-Amz-Target</c> (<c>DynamoDB_20120810.GetItem</c> → <c>GetItem</c>), the query protocol by its
/// <c>Action</c> parameter (query string or form body), S3 and Lambda by method and path. Bodies are never logged.
/// </summary>
public static class AwsOperations
{
    public static AwsOperation Describe(string service, string method, string rawPath, string rawQuery, string? amzTarget, string? host, string? formBody = null)
    {
        if (!string.IsNullOrEmpty(amzTarget))
        {
            var dot = amzTarget.LastIndexOf('.');
            return new AwsOperation { Name = dot >= 0 ? amzTarget[(dot + 1)..] : amzTarget };
        }

        return service switch
        {
            "s3" => S3(method, rawPath, rawQuery, host),
            "lambda" => new AwsOperation { Name = Lambda(method, rawPath, out var function), Function = function },
            _ => new AwsOperation { Name = Parameter(rawQuery, "Action") ?? (formBody is null ? null : Parameter(formBody, "Action")) },
        };
    }

    private static AwsOperation S3(string method, string rawPath, string rawQuery, string? host)
    {
        var path = string.IsNullOrEmpty(rawPath) ? "/" : rawPath;
        var bucket = host is null ? null : S3VirtualHost.Bucket(host);
        string? key;
        if (bucket is null)
        {
            var trimmed = path.TrimStart('/');
            var slash = trimmed.IndexOf('/');
            bucket = trimmed.Length == 0 ? null : slash < 0 ? trimmed : trimmed[..slash];
            key = slash < 0 || slash == trimmed.Length - 1 ? null : trimmed[(slash + 1)..];
        }
        else
        {
            key = path.Length > 1 ? path[1..] : null;
        }

        var query = QueryNames(rawQuery);
        string? name;
        if (bucket is null)
        {
            name = method == "GET" ? "ListBuckets" : null;
        }
        else if (key is null)
        {
            name = method switch
            {
                "GET" when query.Contains("list-type") => "ListObjectsV2",
                "GET" when query.Contains("uploads") => "ListMultipartUploads",
                "GET" when query.Contains("versions") => "ListObjectVersions",
                "GET" when query.Contains("location") => "GetBucketLocation",
                "GET" when query.Contains("policy") => "GetBucketPolicy",
                "GET" when query.Count == 0 || query.All(q => q is "prefix" or "delimiter" or "marker" or "max-keys" or "encoding-type") => "ListObjects",
                "PUT" when query.Contains("policy") => "PutBucketPolicy",
                "PUT" when query.Count == 0 => "CreateBucket",
                "POST" when query.Contains("delete") => "DeleteObjects",
                "DELETE" when query.Count == 0 => "DeleteBucket",
                "HEAD" => "HeadBucket",
                _ => null,
            };
        }
        else
        {
            name = method switch
            {
                "POST" when query.Contains("uploads") => "CreateMultipartUpload",
                "POST" when query.Contains("uploadId") => "CompleteMultipartUpload",
                "POST" when query.Contains("select") => "SelectObjectContent",
                "POST" when query.Contains("restore") => "RestoreObject",
                "PUT" when query.Contains("partNumber") && query.Contains("uploadId") => "UploadPart",
                "PUT" when query.Contains("tagging") => "PutObjectTagging",
                "PUT" when query.Count == 0 => "PutObject",
                "GET" when query.Contains("uploadId") => "ListParts",
                "GET" when query.Contains("tagging") => "GetObjectTagging",
                "GET" => "GetObject",
                "HEAD" => "HeadObject",
                "DELETE" when query.Contains("uploadId") => "AbortMultipartUpload",
                "DELETE" => "DeleteObject",
                _ => null,
            };
        }

        return new AwsOperation { Name = name, Bucket = bucket, Key = key };
    }

    /// <summary>Lambda's REST paths: <c>/2015-03-31/functions[/NAME[/invocations]]</c>.</summary>
    private static string? Lambda(string method, string rawPath, out string? function)
    {
        function = null;
        var segments = rawPath.Trim('/').Split('/');
        if (segments.Length < 2 || segments[1] != "functions")
        {
            return null;
        }

        if (segments.Length >= 3)
        {
            function = Uri.UnescapeDataString(segments[2]);
        }

        return (method, segments.Length) switch
        {
            ("GET", 2) => "ListFunctions",
            ("POST", 2) => "CreateFunction",
            ("GET", 3) => "GetFunction",
            ("DELETE", 3) => "DeleteFunction",
            ("POST", 4) when segments[3] == "invocations" => "Invoke",
            _ => null,
        };
    }

    private static HashSet<string> QueryNames(string rawQuery)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            if (name != "x-id")
            {
                // The JS SDK v3 names its operation in x-id (PUT /k?x-id=PutObject); a client's word is not what the
                // audit records, the method and path are.
                names.Add(name);
            }
        }

        return names;
    }

    private static string? Parameter(string form, string name)
    {
        foreach (var pair in form.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && Uri.UnescapeDataString(pair[..eq]) == name)
            {
                var value = Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
                return value.Length is > 0 and <= 128 && value.All(char.IsAsciiLetterOrDigit) ? value : null;
            }
        }

        return null;
    }
}
