using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Proxy.Web.Ui.Html;
using Ferry.Proxy.WebSessions;

namespace Ferry.Proxy.Web.Ui.Pages;

/// <summary>
/// The audit log: one page of events (newest first), filtered by user, type, AWS service and operation and time window, each with all its fields,
/// and links to older events (the page's cursor, same filters) and back to the newest.
/// </summary>
internal static class AuditPage
{
    /// <summary>The filters of the page; <see cref="Cursor"/> is set on every page after the first.</summary>
    public sealed record Filters(string? User, string? Type, string Since, string? Cursor = null)
    {
        /// <summary>An AWS service (lowercase) or null for any.</summary>
        public string? Service { get; init; }

        /// <summary>An AWS operation or null for any.</summary>
        public string? Operation { get; init; }
    }

    /// <summary>The time windows offered, as (query value, label, length); "all" has no lower bound.</summary>
    public static readonly IReadOnlyList<(string Value, string Label, TimeSpan? Window)> Windows =
    [
        ("15m", "Last 15 minutes", TimeSpan.FromMinutes(15)),
        ("1h", "Last hour", TimeSpan.FromHours(1)),
        ("24h", "Last 24 hours", TimeSpan.FromHours(24)),
        ("7d", "Last 7 days", TimeSpan.FromDays(7)),
        ("30d", "Last 30 days", TimeSpan.FromDays(30)),
        ("all", "All time", null),
    ];

    public const string DefaultWindow = "24h";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Fields worth a glance in the table; every field is in the expandable JSON.</summary>
    private static readonly string[] SummaryFields =
        ["app_name", "aws_role_arn", "name", "target", "aws_service", "aws_operation", "s3_bucket", "s3_key", "status_code", "remote_addr", "login"];

    public static Markup Render(Layout layout, WebSession session, Filters filters, IReadOnlyList<string> types, AuditEventsResponse page, int limit)
    {
        // Auth returns the page in (time, id) order already; sorting by time alone would reorder ties between pages.
        var events = page.Events;
        var body = Markup.Of($"""
            <div class="page-head">
              <div>
                <h1>Audit log</h1>
                <p class="muted">{Count(events.Count, limit, filters.Cursor is not null)} in <strong>{layout.ClusterName}</strong>, newest first.</p>
              </div>
            </div>
            <form method="get" action="/web/audit" class="filters panel" data-testid="audit-filters">
              <div class="field">
                <label for="f-user">User</label>
                <input id="f-user" name="user" type="text" value="{filters.User}" placeholder="any user" autocomplete="off" spellcheck="false">
              </div>
              <div class="field">
                <label for="f-type">Event type</label>
                <select id="f-type" name="type">
                  <option value="">All events</option>
                  {types.Select(t => Option(t, t, t == filters.Type))}
                </select>
              </div>
              <div class="field">
                <label for="f-service">AWS service</label>
                <input id="f-service" name="service" type="text" value="{filters.Service}" placeholder="any, e.g. s3" autocomplete="off" spellcheck="false">
              </div>
              <div class="field">
                <label for="f-operation">Operation</label>
                <input id="f-operation" name="operation" type="text" value="{filters.Operation}" placeholder="any, e.g. PutObject" autocomplete="off" spellcheck="false">
              </div>
              <div class="field">
                <label for="f-since">Time</label>
                <select id="f-since" name="since">
                  {Windows.Select(w => Option(w.Value, w.Label, w.Value == filters.Since))}
                </select>
              </div>
              <div class="field field-actions">
                <button type="submit" class="btn btn-primary">Apply</button>
                <a class="btn btn-quiet" href="/web/audit">Reset</a>
              </div>
            </form>
            {(events.Count == 0 ? NoEvents() : Table(events))}
            {Paging(filters, page.NextCursor)}
            """);
        return layout.Page("Audit log", session, "audit", body);
    }

    private static Markup Table(IReadOnlyList<AuditEvent> events) => Markup.Of($"""
        <div class="panel">
          <table class="table audit" data-testid="audit-table">
            <thead><tr><th>Time (UTC)</th><th>Event</th><th>User</th><th>Result</th><th>Details</th></tr></thead>
            <tbody>
            {events.Select(Row)}
            </tbody>
          </table>
        </div>
        """);

    private static Markup Row(AuditEvent e) => Markup.Of($"""
        <tr data-testid="audit-row" data-event="{e.Type}">
          <td class="nowrap"><time datetime="{e.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}">{e.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}</time></td>
          <td><span class="event-type">{e.Type}</span> <span class="code">{e.Code}</span></td>
          <td>{e.User}</td>
          <td>{(e.Success ? Markup.Trusted("""<span class="status ok">Success</span>""") : Markup.Of($"""<span class="status fail" title="{e.Error}">Failed</span>"""))}</td>
          <td class="event-details">
            <div class="summary">{Summary(e)}</div>
            <details><summary>All fields</summary><pre>{JsonSerializer.Serialize(e, Indented)}</pre></details>
          </td>
        </tr>
        """);

    private static Markup Summary(AuditEvent e)
    {
        var parts = SummaryFields
            .Where(e.Fields.ContainsKey)
            .Select(name => Markup.Of($"""<span class="kv"><span class="k">{name}</span> <span class="v">{e.FieldText(name)}</span></span>"""))
            .ToList();
        if (!e.Success && e.Error is not null)
        {
            parts.Insert(0, Markup.Of($"""<span class="kv error-text">{e.Error}</span>"""));
        }

        return Markup.Join(parts);
    }


    /// <summary>"Older events" continues these filters at the page's cursor; "Newest events" starts them again.</summary>
    private static Markup Paging(Filters filters, string? nextCursor)
    {
        if (nextCursor is null && filters.Cursor is null)
        {
            return Markup.Empty;
        }

        var newest = Markup.When(filters.Cursor is not null, Markup.Of($"""<a class="btn btn-quiet" href="{Href(filters, null)}" data-testid="audit-newest">Newest events</a>"""));
        var older = nextCursor is null
            ? Markup.Trusted("""<span class="muted" data-testid="audit-end">No older events match.</span>""")
            : Markup.Of($"""<a class="btn" href="{Href(filters, nextCursor)}" rel="next" data-testid="audit-older">Older events</a>""");
        return Markup.Of($"""<nav class="pager" aria-label="Audit pages" data-testid="audit-pager">{newest} {older}</nav>""");
    }

    /// <summary>This page's filters as a query string (each value escaped; the markup encodes the &amp;s).</summary>
    private static string Href(Filters filters, string? cursor)
    {
        var query = new List<string>();
        if (filters.User is not null)
        {
            query.Add("user=" + Uri.EscapeDataString(filters.User));
        }

        if (filters.Type is not null)
        {
            query.Add("type=" + Uri.EscapeDataString(filters.Type));
        }

        if (filters.Service is not null)
        {
            query.Add("service=" + Uri.EscapeDataString(filters.Service));
        }

        if (filters.Operation is not null)
        {
            query.Add("operation=" + Uri.EscapeDataString(filters.Operation));
        }

        query.Add("since=" + Uri.EscapeDataString(filters.Since));
        if (cursor is not null)
        {
            query.Add("cursor=" + Uri.EscapeDataString(cursor));
        }

        return "/web/audit?" + string.Join('&', query);
    }

    private static Markup Option(string value, string label, bool selected) => selected
        ? Markup.Of($"""<option value="{value}" selected>{label}</option>""")
        : Markup.Of($"""<option value="{value}">{label}</option>""");

    private static Markup NoEvents() => Markup.Trusted("""
        <div class="panel empty-state" data-testid="audit-empty">
          <h2>No events</h2>
          <p class="muted">Nothing matches these filters. Widen the time window or clear the user, type, service and operation.</p>
        </div>
        """);

    private static string Count(int count, int limit, bool older) =>
        older ? (count == 1 ? "1 older event" : $"{count} older events")
        : count >= limit ? $"The latest {limit} events" : count == 1 ? "1 event" : $"{count} events";
}
