using Ferry.Proxy.Web.Ui.Html;
using Ferry.Proxy.WebSessions;

namespace Ferry.Proxy.Web.Ui.Pages;

/// <summary>
/// Applications: every app the user's roles let them see, with a search box. The search works without script
/// (a GET with ?q=, filtered here); ferry.js filters the rows live as the user types, on the same text.
/// </summary>
internal static class AppsPage
{
    public static Markup Render(Layout layout, WebSession session, IReadOnlyList<AppView> apps, string? query)
    {
        var shown = apps.Where(a => a.Matches(query)).ToList();
        var body = Markup.Of($"""
            <div class="page-head">
              <div>
                <h1>Applications</h1>
                <p class="muted">{Count(apps.Count)} available to you in <strong>{layout.ClusterName}</strong>.</p>
              </div>
              <form method="get" action="/web/apps" class="search" role="search">
                <label for="app-search" class="visually-hidden">Search applications</label>
                <input id="app-search" name="q" type="search" value="{query}" placeholder="Search name, description, labels"
                       autocomplete="off" data-filter="#apps-table" data-filter-empty="#apps-empty">
                <button type="submit" class="btn">Search</button>
              </form>
            </div>
            {(apps.Count == 0 ? NoApps() : Table(session, shown, query))}
            """);
        return layout.Page("Applications", session, "apps", body);
    }

    private static Markup Table(WebSession session, IReadOnlyList<AppView> apps, string? query) => Markup.Of($"""
        <div class="panel">
          <table class="table" id="apps-table">
            <thead><tr><th>Name</th><th>Description</th><th>Labels</th><th>Address</th><th class="actions"><span class="visually-hidden">Launch</span></th></tr></thead>
            <tbody>
            {apps.Select(a => Row(session, a))}
            </tbody>
          </table>
          <p class="empty" id="apps-empty" data-testid="apps-empty"{Markup.When(apps.Count > 0, Markup.Trusted(" hidden"))}>No applications match <strong>{query}</strong>. <a href="/web/apps">Show all</a></p>
        </div>
        """);

    private static Markup Row(WebSession session, AppView app) => Markup.Of($"""
        <tr data-search="{app.SearchText}" data-testid="app-row" data-app="{app.Name}">
          <td>
            <div class="app-name">
              <span class="app-icon{(app.AwsConsole ? " aws" : "")}" aria-hidden="true">{(app.AwsConsole ? "AWS" : Initials(app.Name))}</span>
              <div><strong>{app.Name}</strong>{Markup.When(app.AwsConsole, Markup.Trusted("""<span class="tag">AWS console</span>"""))}</div>
            </div>
          </td>
          <td class="description">{(app.Description.Length > 0 ? Markup.Text(app.Description) : Markup.Trusted("""<span class="muted">No description</span>"""))}</td>
          <td><div class="labels">{app.Labels.Select(l => Markup.Of($"""<span class="label">{l.Key}: {l.Value}</span>"""))}</div></td>
          <td><code class="address">{app.PublicAddr}</code></td>
          <td class="actions">{Launch(session, app)}</td>
        </tr>
        """);

    /// <summary>AWS console apps go to the role picker (a GET); other apps launch at once (a POST with the CSRF token).</summary>
    private static Markup Launch(WebSession session, AppView app)
    {
        var href = $"/web/apps/{Uri.EscapeDataString(app.Name)}/launch";
        return app.AwsConsole
            ? Markup.Of($"""<a class="btn btn-primary" href="{href}" data-testid="launch">Launch</a>""")
            : Markup.Of($"""
                <form method="post" action="{href}" class="inline-form">
                  {FormParts.CsrfField(session.CsrfToken)}
                  <button type="submit" class="btn btn-primary" data-testid="launch">Launch</button>
                </form>
                """);
    }

    private static Markup NoApps() => Markup.Trusted("""
        <div class="panel empty-state">
          <h2>No applications yet</h2>
          <p class="muted">Applications appear here when an app agent serves them and one of your roles matches their labels.
            An administrator starts an agent with <code>teleport app start</code> (or <code>app_service</code> in teleport.yaml)
            and grants access with <code>app_labels</code> in a role.</p>
        </div>
        """);

    private static string Count(int count) => count == 1 ? "1 application" : $"{count} applications";

    private static string Initials(string name) => name.Length == 0 ? "?" : name[..Math.Min(2, name.Length)].ToUpperInvariant();
}
