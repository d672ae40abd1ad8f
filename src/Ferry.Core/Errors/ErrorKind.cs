namespace Ferry.Core.Errors;

/// <summary>
/// The small set of error kinds every layer speaks. Each maps to one HTTP status and one CLI exit code
/// (see <see cref="ErrorKindMapping"/>), so a failure deep in auth surfaces the same way through the
/// proxy, the API client and the command line.
/// </summary>
public enum ErrorKind
{
    BadParameter,
    NotFound,
    AlreadyExists,
    AccessDenied,
    LimitExceeded,
    CompareFailed,
    Unavailable,
    NotImplemented,
    Internal,
}
