using Ferry.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Ferry.Proxy.Web.Ui.Pages;

/// <summary>What an error page says: what went wrong, what to do, and one way onwards.</summary>
internal sealed record ErrorView(int Status, string Title, string Message, string? Hint = null, string ActionHref = "/web/apps", string ActionText = "Back to Applications")
{
    /// <summary>FerryException messages are written for people (what is wrong and what to do), so they are shown as they are.</summary>
    public static ErrorView From(FerryException exception) => exception.Kind switch
    {
        ErrorKind.AccessDenied => new(StatusCodes.Status403Forbidden, "Access denied", exception.Message,
            "If you need this access, ask a Ferry administrator to add it to one of your roles, then sign out and in again."),
        ErrorKind.NotFound => new(StatusCodes.Status404NotFound, "Not found", exception.Message),
        ErrorKind.BadParameter => new(StatusCodes.Status400BadRequest, "That did not work", exception.Message),
        ErrorKind.LimitExceeded => new(StatusCodes.Status429TooManyRequests, "Too many attempts", exception.Message, "Wait a while and try again."),
        ErrorKind.Unavailable => new(StatusCodes.Status503ServiceUnavailable, "Ferry is unavailable", exception.Message, "Try again in a moment; if it persists, tell your Ferry administrator."),
        _ => new(ErrorKindMapping.ToHttpStatus(exception.Kind), "Something went wrong", exception.Message),
    };

    /// <summary>Anything that is not a FerryException: no details (they are in the server log).</summary>
    public static ErrorView Unexpected() => new(StatusCodes.Status500InternalServerError, "Something went wrong",
        "Ferry could not complete the request because of an internal error.",
        "Try again; if it keeps happening, tell your Ferry administrator the time it happened (the details are in the proxy's log).");

    public static ErrorView PageNotFound() => new(StatusCodes.Status404NotFound, "Page not found",
        "There is no page at this address.", "Check the address, or start again from Applications.");

    public static ErrorView FormRefused() => new(StatusCodes.Status403Forbidden, "Form expired",
        "This form has expired or did not come from this Ferry page, so nothing was changed.",
        "Go back, reload the page and try again.");
}
