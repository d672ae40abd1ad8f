using Ferry.Proxy.Web.Ui.Html;
using Ferry.Proxy.WebSessions;

namespace Ferry.Proxy.Web.Ui.Pages;

/// <summary>The error page: signed-in chrome when there is a session, the anonymous card otherwise.</summary>
internal static class ErrorPage
{
    public static Markup Render(Layout layout, WebSession? session, ErrorView view)
    {
        var (href, text) = session is null && view.ActionHref == "/web/apps" ? ("/web/login", "Go to sign in") : (view.ActionHref, view.ActionText);
        var body = Markup.Of($"""
            <div class="error-box" role="alert">
              <p class="error-code">Error {view.Status}</p>
              <h1>{view.Title}</h1>
              <p class="error-message" data-testid="error-message">{Sentence.Of(view.Message)}</p>
              {Markup.When(view.Hint is not null, Markup.Of($"""<p class="muted">{view.Hint}</p>"""))}
              <p><a class="btn btn-primary" href="{href}">{text}</a></p>
            </div>
            """);
        return session is null ? layout.Card(view.Title, body) : layout.Page(view.Title, session, null, body);
    }
}
