namespace Ferry.Core.Errors;

/// <summary>The one place where error kinds meet HTTP status codes, wire names and exit codes.</summary>
public static class ErrorKindMapping
{
    public static int ToHttpStatus(ErrorKind kind) => kind switch
    {
        ErrorKind.BadParameter => 400,
        ErrorKind.AccessDenied => 403,
        ErrorKind.NotFound => 404,
        ErrorKind.AlreadyExists => 409,
        ErrorKind.CompareFailed => 412,
        ErrorKind.LimitExceeded => 429,
        ErrorKind.NotImplemented => 501,
        ErrorKind.Unavailable => 503,
        _ => 500,
    };

    public static ErrorKind FromHttpStatus(int status) => status switch
    {
        400 => ErrorKind.BadParameter,
        401 or 403 => ErrorKind.AccessDenied,
        404 => ErrorKind.NotFound,
        409 => ErrorKind.AlreadyExists,
        412 => ErrorKind.CompareFailed,
        413 or 429 => ErrorKind.LimitExceeded,
        501 => ErrorKind.NotImplemented,
        502 or 503 or 504 => ErrorKind.Unavailable,
        _ => ErrorKind.Internal,
    };

    public static string ToWireName(ErrorKind kind) => kind switch
    {
        ErrorKind.BadParameter => "bad_parameter",
        ErrorKind.NotFound => "not_found",
        ErrorKind.AlreadyExists => "already_exists",
        ErrorKind.AccessDenied => "access_denied",
        ErrorKind.LimitExceeded => "limit_exceeded",
        ErrorKind.CompareFailed => "compare_failed",
        ErrorKind.Unavailable => "unavailable",
        ErrorKind.NotImplemented => "not_implemented",
        _ => "internal",
    };

    public static ErrorKind FromWireName(string? name) => name switch
    {
        "bad_parameter" => ErrorKind.BadParameter,
        "not_found" => ErrorKind.NotFound,
        "already_exists" => ErrorKind.AlreadyExists,
        "access_denied" => ErrorKind.AccessDenied,
        "limit_exceeded" => ErrorKind.LimitExceeded,
        "compare_failed" => ErrorKind.CompareFailed,
        "unavailable" => ErrorKind.Unavailable,
        "not_implemented" => ErrorKind.NotImplemented,
        _ => ErrorKind.Internal,
    };

    /// <summary>
    /// CLI exit codes, documented in docs/cli-exit-codes.md: 0 success, 1 any error reported by
    /// Ferry, 2 a usage error (bad flags), 3 access denied, 4 not found, 5 unavailable (cannot reach the cluster).
    /// </summary>
    public static int ToExitCode(ErrorKind kind) => kind switch
    {
        ErrorKind.AccessDenied => 3,
        ErrorKind.NotFound => 4,
        ErrorKind.Unavailable => 5,
        _ => 1,
    };
}
