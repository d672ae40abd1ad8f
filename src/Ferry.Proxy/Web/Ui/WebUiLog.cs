using Microsoft.Extensions.Logging;

namespace Ferry.Proxy.Web.Ui;

/// <summary>Log messages of the web UI (event ids 8100-8199). Never a password, TOTP code, cookie, CSRF or signup token.</summary>
internal static partial class WebUiLog
{
    [LoggerMessage(EventId = 8100, Level = LogLevel.Information, Message = "Web sign-in for {User} from {RemoteAddr}")]
    public static partial void SignedIn(ILogger logger, string user, string? remoteAddr);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Web sign-in refused for {User} from {RemoteAddr}: {Reason}")]
    public static partial void SignInRefused(ILogger logger, string user, string? remoteAddr, string reason);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Information, Message = "Web sign-out for {User}")]
    public static partial void SignedOut(ILogger logger, string user);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Information, Message = "Password set from a {Kind} link for {User}")]
    public static partial void SignupCompleted(ILogger logger, string kind, string user);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Information, Message = "Launching {App} for {User} with IAM role {AwsRoleArn}")]
    public static partial void Launching(ILogger logger, string app, string user, string? awsRoleArn);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Warning, Message = "Refused a {Method} to {Route}: {Reason}")]
    public static partial void CsrfRefused(ILogger logger, string method, string route, string reason);

    [LoggerMessage(EventId = 8106, Level = LogLevel.Information, Message = "Web UI refused {Route} for {User}: {Kind}: {Message}")]
    public static partial void Refused(ILogger logger, string route, string? user, string kind, string message);

    [LoggerMessage(EventId = 8107, Level = LogLevel.Error, Message = "Unexpected error serving {Method} {Route}")]
    public static partial void Unexpected(ILogger logger, string method, string route, Exception exception);

    [LoggerMessage(EventId = 8108, Level = LogLevel.Warning, Message = "The launch of {App} returned a URL that is not absolute http(s); refusing to redirect")]
    public static partial void BadLaunchUrl(ILogger logger, string app);
}
