namespace Ferry.Core.Errors;

/// <summary>
/// An expected failure with a kind and a message written for the person who must act on it:
/// what is wrong, where, and how to fix it. Messages never contain secrets.
/// </summary>
public sealed class FerryException : Exception
{
    public FerryException(ErrorKind kind, string message, Exception? inner = null) : base(message, inner)
    {
        Kind = kind;
    }

    public ErrorKind Kind { get; }

    public static FerryException BadParameter(string message) => new(ErrorKind.BadParameter, message);
    public static FerryException NotFound(string message) => new(ErrorKind.NotFound, message);
    public static FerryException AlreadyExists(string message) => new(ErrorKind.AlreadyExists, message);
    public static FerryException AccessDenied(string message = "access denied") => new(ErrorKind.AccessDenied, message);
    public static FerryException LimitExceeded(string message) => new(ErrorKind.LimitExceeded, message);
    public static FerryException CompareFailed(string message) => new(ErrorKind.CompareFailed, message);
    public static FerryException Unavailable(string message, Exception? inner = null) => new(ErrorKind.Unavailable, message, inner);
    public static FerryException NotImplemented(string message) => new(ErrorKind.NotImplemented, message);
}
