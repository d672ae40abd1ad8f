using Ferry.Core;
using Ferry.Proxy.Web.Ui.Html;
using Ferry.Proxy.Web.Ui.Security;
using Ferry.Proxy.WebSessions;

namespace Ferry.Proxy.Web.Ui.Pages;

/// <summary>
/// The frame around every page: the document head (one stylesheet, one deferred script, no inline code so the
/// Content-Security-Policy can forbid it), and either the signed-in chrome (brand, cluster, navigation, the user and
/// a Sign out form) or, for anonymous pages, a centred card under the brand.
/// </summary>
internal sealed class Layout
{
    private readonly StaticAssets _assets;
    private readonly Func<string> _clusterName;

    public Layout(StaticAssets assets, Func<string> clusterName)
    {
        _assets = assets;
        _clusterName = clusterName;
    }

    public string ClusterName => _clusterName();

    /// <summary>A page of the signed-in UI. <paramref name="active"/> is the navigation entry to highlight (apps, audit).</summary>
    public Markup Page(string title, WebSession session, string? active, Markup body) => Document(title, "app", Markup.Of($"""
        <header class="topbar">
          <div class="topbar-inner">
            {Brand()}
            <span class="cluster" title="Cluster">{ClusterName}</span>
            <nav class="nav" aria-label="Main">
              {NavLink("/web/apps", "Applications", active == "apps")}
              {Markup.When(session.CanReadAudit, NavLink("/web/audit", "Audit", active == "audit"))}
            </nav>
            <div class="account">
              <span class="avatar" aria-hidden="true">{Initial(session.User)}</span>
              <span class="user-name" data-testid="user-name">{session.User}</span>
              <form method="post" action="/web/logout" class="inline-form">
                <input type="hidden" name="{Csrf.FieldName}" value="{session.CsrfToken}">
                <button type="submit" class="btn btn-quiet btn-small">Sign out</button>
              </form>
            </div>
          </div>
        </header>
        <main class="container">
        {body}
        </main>
        {Footer()}
        """));

    /// <summary>An anonymous page (sign in, signup, errors before sign-in): a card in the middle of the screen.</summary>
    public Markup Card(string title, Markup body, bool wide = false) => Document(title, "plain", Markup.Of($"""
        <main class="center">
          <div class="card-wrap{(wide ? " wide" : "")}">
            <div class="card-brand">{Brand()}<span class="cluster">{ClusterName}</span></div>
            <section class="card">
            {body}
            </section>
          </div>
        </main>
        {Footer()}
        """));

    private Markup Document(string title, string bodyClass, Markup content) => Markup.Of($"""
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <meta name="referrer" content="no-referrer">
          <title>{title} · Ferry</title>
          <link rel="icon" type="image/svg+xml" href="{_assets.Url("ferry.svg")}">
          <link rel="stylesheet" href="{_assets.Url("ferry.css")}">
          <script src="{_assets.Url("ferry.js")}" defer></script>
        </head>
        <body class="{bodyClass}">
        {content}
        </body>
        </html>
        """);

    private Markup Brand() => Markup.Of($"""<a class="brand" href="/web/apps"><img src="{_assets.Url("ferry.svg")}" alt="" width="28" height="28"><span>Ferry</span></a>""");

    private static Markup Footer() => Markup.Of($"""<footer class="footer">Ferry {FerryVersion.Current} · identity-aware access for AWS</footer>""");

    private static Markup NavLink(string href, string text, bool current) => current
        ? Markup.Of($"""<a href="{href}" aria-current="page">{text}</a>""")
        : Markup.Of($"""<a href="{href}">{text}</a>""");

    private static string Initial(string user) => user.Length == 0 ? "?" : char.ToUpperInvariant(user[0]).ToString();
}
