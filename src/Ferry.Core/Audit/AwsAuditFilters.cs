using Ferry.Core.Errors;

namespace Ferry.Core.Audit;

/// <summary>
/// The AWS service and operation filters of an audit search (tctl audit ls --service/--operation, the auth API's
/// service/operation parameters, the web UI's audit page), checked alike everywhere so each names its own input in the
/// error. A service matches whatever its case (stored and searched lowercase, as SigV4 credential scopes name it:
/// s3, dynamodb, execute-api); an operation matches exactly, case included (PutObject, GetItem, ListObjectsV2).
/// </summary>
public static class AwsAuditFilters
{
    /// <summary>Longer than any AWS service signing name.</summary>
    public const int MaxServiceLength = 64;

    /// <summary>Longer than any AWS API operation name.</summary>
    public const int MaxOperationLength = 128;

    /// <summary>
    /// The service column of an event whose aws_service is <paramref name="service"/>: lowercase, or null when absent or
    /// longer than any filter may be (no search could match it, and an index entry has a size limit in PostgreSQL).
    /// </summary>
    public static string? StoredService(string? service) =>
        string.IsNullOrEmpty(service) || service.Length > MaxServiceLength ? null : service.ToLowerInvariant();

    /// <summary>The operation column of an event whose aws_operation is <paramref name="operation"/>: as it is, or null as for the service.</summary>
    public static string? StoredOperation(string? operation) =>
        string.IsNullOrEmpty(operation) || operation.Length > MaxOperationLength ? null : operation;

    /// <summary>A service filter as searched (lowercase).</summary>
    /// <param name="input">How the caller gave it (--service, the service query parameter, ...), for the error.</param>
    /// <exception cref="FerryException">BadParameter saying what is wrong, where, and what a good value looks like.</exception>
    public static string Service(string? value, string input)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw FerryException.BadParameter(
                $"{input} is empty; give an AWS service name such as s3, dynamodb or sqs, or leave {input} out to match every service");
        }

        if (value.Length > MaxServiceLength || !(char.IsAsciiLetterOrDigit(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            throw FerryException.BadParameter(
                $"{input} \"{Shown(value)}\" is not an AWS service name: use letters, digits and '-' (at most {MaxServiceLength}), such as s3, dynamodb or execute-api");
        }

        return value.ToLowerInvariant();
    }

    /// <summary>An operation filter as searched (exactly as given).</summary>
    /// <exception cref="FerryException">BadParameter saying what is wrong, where, and what a good value looks like.</exception>
    public static string Operation(string? value, string input)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw FerryException.BadParameter(
                $"{input} is empty; give an AWS operation name such as PutObject, GetItem or SendMessage, or leave {input} out to match every operation");
        }

        if (value.Length > MaxOperationLength || !(char.IsAsciiLetter(value[0]) && value.All(char.IsAsciiLetterOrDigit)))
        {
            throw FerryException.BadParameter(
                $"{input} \"{Shown(value)}\" is not an AWS operation name: use the API's name, letters and digits only, in AWS's case, such as PutObject, ListObjectsV2 or GetItem");
        }

        return value;
    }

    /// <summary>A bad value as the error shows it: short, and without control characters that would garble a terminal.</summary>
    private static string Shown(string value)
    {
        var printable = new string(value.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return value.Length > 80 ? printable + "..." : printable;
    }
}
