using System.Reflection;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Proxy.Web.Ui.Pages;
using Ferry.Proxy.WebSessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Proxy.Web.Ui.Endpoints;

/// <summary>
/// GET /web/audit: one page of events, only for sessions whose roles may list events (auditor, editor); others get a
/// 403 page. ?cursor= (the "Older events" link) continues the same filters where the previous page ended.
/// ?service= and ?operation= narrow AWS requests as tctl audit ls --service/--operation do (an empty field means any;
/// a malformed one gets a 400 page saying what is wrong).
/// </summary>
internal static class AuditEndpoints
{
    private const int Limit = 200;

    /// <summary>Every event type Ferry emits, for the type filter (the constants of <see cref="EventTypes"/>).</summary>
    private static readonly IReadOnlyList<string> Types = typeof(EventTypes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Order(StringComparer.Ordinal)
        .ToList();

    public static void Map(RouteGroupBuilder web, WebUiContext ui)
    {
        web.MapGet("/audit", WebUiContext.Handler(http => ui.SignedInAsync(http, session => ShowAsync(ui, http, session))));
    }

    private static async Task<IResult> ShowAsync(WebUiContext ui, HttpContext http, WebSession session)
    {
        if (!session.CanReadAudit)
        {
            return ui.Error(session, new ErrorView(StatusCodes.Status403Forbidden, "Access denied",
                "Your roles do not allow reading the audit log.",
                "Ask a Ferry administrator for the auditor role (or a role allowing list on event), then sign out and in again."));
        }

        var query = http.Request.Query;
        var user = Trimmed(query["user"]);
        var type = Trimmed(query["type"]);
        var since = AuditPage.Windows.Any(w => w.Value == query["since"].ToString()) ? query["since"].ToString() : AuditPage.DefaultWindow;
        var window = AuditPage.Windows.First(w => w.Value == since).Window;
        var cursor = Trimmed(query["cursor"]);
        string? service, operation;
        try
        {
            service = Trimmed(query["service"]) is { } s ? AwsAuditFilters.Service(s, "The AWS service field") : null;
            operation = Trimmed(query["operation"]) is { } o ? AwsAuditFilters.Operation(o, "The operation field") : null;
        }
        catch (FerryException e)
        {
            return ui.Error(session, new ErrorView(StatusCodes.Status400BadRequest, "Bad audit filter", e.Message,
                "Correct the field, or clear it to match every event.", "/web/audit", "Back to the audit log"));
        }

        var search = new AuditSearch
        {
            User = user,
            Type = type,
            Service = service,
            Operation = operation,
            Since = window is { } w ? ui.Time.GetUtcNow() - w : null,
            Limit = Limit,
            Cursor = cursor,
        };
        var page = await ui.Portal.SearchEventsAsync(session, search, http.RequestAborted);
        return new PageResult(AuditPage.Render(ui.Layout, session, new AuditPage.Filters(user, type, since, cursor) { Service = service, Operation = operation }, Types, page, Limit));
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
