using System.Text;
using System.Text.Json;
using System.Xml;
using Ferry.Core.Errors;

namespace Ferry.Aws.Errors;

/// <summary>
/// Shapes the errors Ferry itself returns to an AWS client the way that client's protocol expects (docs/aws-access.md §12.4),
/// so SDKs print "AccessDeniedException: …" instead of a bare "Forbidden". The detail also goes into
/// X-Teleport-Api-Error, which tsh logs (docs/aws-access.md §1.5). AWS formats:
/// https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html#operation-error-serialization,
/// https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#operation-error-serialization,
/// https://smithy.io/2.0/aws/protocols/aws-restxml-protocol.html#error-response-serialization
/// </summary>
public static class AwsErrorWriter
{
    public const string ApiErrorHeader = AwsProxyHeaders.ApiError;
    private const int MaxHeaderLength = 1024;

    // Services whose models use awsQuery/ec2Query, for requests that carry no other hint (e.g. a GET without Action).
    private static readonly HashSet<string> QueryServices = new(StringComparer.Ordinal)
    {
        "sts", "iam", "sqs", "sns", "ec2", "autoscaling", "cloudformation", "elasticloadbalancing", "rds", "elasticache",
        "redshift", "ses", "email", "monitoring", "cloudsearch", "elasticbeanstalk", "importexport", "sdb", "neptune", "docdb",
    };

    /// <summary>
    /// JSON when the request is awsJson (X-Amz-Target, or Content-Type application/x-amz-json-1.0/1.1); restXml for S3;
    /// query when the body is form-encoded or the query names an Action; otherwise by service.
    /// </summary>
    public static AwsProtocol DetectProtocol(string? signingService, string? contentType, string? amzTarget, string? rawQuery = null)
    {
        var mediaType = contentType?.Split(';', 2)[0].Trim() ?? string.Empty;
        if (!string.IsNullOrEmpty(amzTarget) || mediaType.StartsWith("application/x-amz-json-1.", StringComparison.OrdinalIgnoreCase))
        {
            return AwsProtocol.Json;
        }

        if (signingService is "s3" or "s3-object-lambda" or "s3-outposts" or "route53" or "cloudfront")
        {
            return AwsProtocol.RestXml;
        }

        if (mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || (rawQuery is not null && (rawQuery.StartsWith("Action=", StringComparison.Ordinal) || rawQuery.Contains("&Action=", StringComparison.Ordinal))))
        {
            return AwsProtocol.Query;
        }

        return signingService is not null && QueryServices.Contains(signingService) ? AwsProtocol.Query : AwsProtocol.RestJson;
    }

    /// <summary>An error with the status and AWS code that the exception's kind maps to.</summary>
    public static AwsErrorResponse FromException(FerryException error, AwsProtocol protocol, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Create(protocol, ErrorKindMapping.ToHttpStatus(error.Kind), CodeFor(error.Kind, protocol), error.Message, requestId);
    }

    /// <summary>The AWS error code for a Ferry error kind, in the protocol's naming (…Exception for JSON protocols).</summary>
    public static string CodeFor(ErrorKind kind, AwsProtocol protocol)
    {
        var json = protocol is AwsProtocol.Json or AwsProtocol.RestJson;
        return kind switch
        {
            ErrorKind.AccessDenied => json ? "AccessDeniedException" : "AccessDenied",
            ErrorKind.BadParameter => json ? "ValidationException" : protocol == AwsProtocol.RestXml ? "InvalidRequest" : "ValidationError",
            ErrorKind.NotFound => json ? "ResourceNotFoundException" : "NotFound",
            ErrorKind.AlreadyExists => json ? "ResourceInUseException" : "AlreadyExists",
            ErrorKind.LimitExceeded => json ? "LimitExceededException" : "LimitExceeded",
            ErrorKind.Unavailable => json ? "ServiceUnavailableException" : "ServiceUnavailable",
            ErrorKind.NotImplemented => json ? "NotImplementedException" : "NotImplemented",
            _ => protocol == AwsProtocol.RestXml ? "InternalError" : "InternalFailure",
        };
    }

    public static AwsErrorResponse Create(AwsProtocol protocol, int statusCode, string code, string message, string? requestId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        message ??= string.Empty;
        requestId ??= Guid.NewGuid().ToString();
        var headers = new List<KeyValuePair<string, string>>(3)
        {
            new(ApiErrorHeader, ToHeaderValue(message)),
            new("x-amzn-RequestId", requestId),
        };

        switch (protocol)
        {
            case AwsProtocol.Json:
            case AwsProtocol.RestJson:
                headers.Add(new("x-amzn-ErrorType", code));
                var json = JsonError(code, message);
                return new AwsErrorResponse(statusCode, protocol == AwsProtocol.Json ? "application/x-amz-json-1.0" : "application/json", json, headers);
            case AwsProtocol.Query:
                return new AwsErrorResponse(statusCode, "text/xml", Xml(w =>
                {
                    w.WriteStartElement("ErrorResponse");
                    w.WriteStartElement("Error");
                    w.WriteElementString("Type", statusCode >= 500 ? "Receiver" : "Sender");
                    w.WriteElementString("Code", code);
                    w.WriteElementString("Message", XmlSafe(message));
                    w.WriteEndElement();
                    w.WriteElementString("RequestId", requestId);
                    w.WriteEndElement();
                }), headers);
            default:
                return new AwsErrorResponse(statusCode, "application/xml", Xml(w =>
                {
                    w.WriteStartElement("Error");
                    w.WriteElementString("Code", code);
                    w.WriteElementString("Message", XmlSafe(message));
                    w.WriteElementString("RequestId", requestId);
                    w.WriteEndElement();
                }), headers);
        }
    }

    private static byte[] Xml(Action<XmlWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
        {
            writer.WriteStartDocument();
            write(writer);
            writer.WriteEndDocument();
        }

        return buffer.ToArray();
    }

    // XML 1.0 cannot carry most control characters, even escaped.
    private static string XmlSafe(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            sb.Append(XmlConvert.IsXmlChar(c) || char.IsSurrogate(c) ? c : ' ');
        }

        return sb.ToString();
    }

    /// <summary>Header values must be single-line visible ASCII: control characters become spaces, others '?'.</summary>
    internal static string ToHeaderValue(string message)
    {
        var length = Math.Min(message.Length, MaxHeaderLength);
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            var c = message[i];
            sb.Append(c is >= ' ' and <= '~' ? c : char.IsControl(c) ? ' ' : '?');
        }

        return sb.ToString().Trim();
    }

    /// <summary>{"__type": CODE, "message": MESSAGE}, written directly (no serializer metadata needed in native tsh).</summary>
    private static byte[] JsonError(string code, string message)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("__type", code);
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
