using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Errors;

namespace Ferry.Web.Tests.InProcess;

/// <summary>What the pages contain: every value encoded, no inline script or style, errors that help without leaking.</summary>
public sealed partial class RenderingTests : IAsyncLifetime
{
    private const string Hostile = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";
    private UiHost _host = null!;

    public async Task InitializeAsync() => _host = await UiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task HostileValues_AreEncoded_OnEveryPage()
    {
        _host.Portal.SignupUser = Hostile;
        _host.Portal.Apps.Add(FakePortal.App("aws", Hostile, new Dictionary<string, string> { [Hostile] = Hostile }, true,
            new AwsRoleInfo(Hostile, Hostile, "arn:aws:iam::123456789012:role/" + Hostile, "123456789012")));
        _host.Portal.Events.Add(new AuditEvent { Type = Hostile, Code = "T0000I", Time = DateTimeOffset.UtcNow, Id = "1", User = Hostile, Success = false, Error = Hostile }
            .Set("app_name", Hostile).Set("other", Hostile));
        var (cookie, _) = _host.SignedIn();

        foreach (var path in new[] { "/web/apps?q=" + Uri.EscapeDataString(Hostile), "/web/apps/aws/launch", "/web/audit?user=" + Uri.EscapeDataString(Hostile), "/web/invite/good", "/web/login?user=" + Uri.EscapeDataString(Hostile) })
        {
            using var response = await _host.GetAsync(path, SignedInPage(path) ? cookie : null);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, path + ": " + response.StatusCode);
            Assert.DoesNotContain("<script>alert", html);
            Assert.DoesNotContain("<img src=x", html);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
            AssertNoInlineCode(html, path);
        }
    }

    [Fact]
    public async Task Pages_HaveNoInlineScriptStyleOrHandlers()
    {
        _host.Portal.Apps.Add(FakePortal.App("aws", "d", new Dictionary<string, string> { ["env"] = "dev" }));
        _host.Portal.Apps.Add(FakePortal.App("web", "d", new Dictionary<string, string>(), aws: false));
        _host.Portal.Events.Add(new AuditEvent { Type = "user.login", Code = "T1000I", Time = DateTimeOffset.UtcNow, Id = "1", User = "ann" });
        var (cookie, _) = _host.SignedIn();

        foreach (var path in new[] { "/web/login", "/web/apps", "/web/apps/aws/launch", "/web/apps/web/launch", "/web/audit", "/web/invite/good", "/web/invite/bad", "/web/nope" })
        {
            using var response = await _host.GetAsync(path, SignedInPage(path) ? cookie : null);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("</html>", html);
            AssertNoInlineCode(html, path);
        }
    }

    [Fact]
    public async Task AnUnexpectedFailure_ShowsAGenericPage_AndIsLogged()
    {
        _host.Portal.ListAppsFailure = new InvalidOperationException("connection string Password=hunter2 at Backend.cs:42");
        var (cookie, _) = _host.SignedIn();

        using var response = await _host.GetAsync("/web/apps", cookie);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("internal error", html);
        Assert.DoesNotContain("hunter2", html);
        Assert.DoesNotContain("Backend.cs", html);
        Assert.Contains(_host.LogLines, l => l.StartsWith("8107 ", StringComparison.Ordinal) && l.Contains("/web/apps", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFerryFailure_ShowsItsMessage_WithTheMatchingStatus()
    {
        _host.Portal.ListAppsFailure = FerryException.Unavailable("cannot reach the auth server; try again in a moment");
        var (cookie, _) = _host.SignedIn();

        using var response = await _host.GetAsync("/web/apps", cookie);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Cannot reach the auth server; try again in a moment.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Audit_WithoutTheRight_IsA403Page_AndAsksNothingOfTheLog()
    {
        _host.Portal.CanReadAudit = false;
        var (cookie, _) = _host.SignedIn();

        using var response = await _host.GetAsync("/web/audit", cookie);
        using var apps = await _host.GetAsync("/web/apps", cookie);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(_host.Portal.Calls, c => c.StartsWith("audit", StringComparison.Ordinal));
        Assert.DoesNotContain("href=\"/web/audit\"", await apps.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Audit_PassesTheFilters_AndShowsEachEventsFields()
    {
        _host.Portal.Events.Add(new AuditEvent { Type = "app.session.start", Code = "T2007I", Time = DateTimeOffset.UtcNow, Id = "e1", User = "ann" }
            .Set("aws_role_arn", "arn:aws:iam::123456789012:role/R"));
        var (cookie, _) = _host.SignedIn();

        using var response = await _host.GetAsync("/web/audit?user=ann&type=app.session.start&since=1h", cookie);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("audit user=ann type=app.session.start since=set cursor=none", _host.Portal.Calls);
        Assert.Contains("&quot;aws_role_arn&quot;: &quot;arn:aws:iam::123456789012:role/R&quot;", html);
        Assert.Contains("<option value=\"1h\" selected>", html);
        using var all = await _host.GetAsync("/web/audit?since=all", cookie);
        Assert.Contains("audit user= type= since=none cursor=none", _host.Portal.Calls);
    }

    [Fact]
    public async Task Audit_OlderEventsLink_KeepsTheFiltersAndCarriesTheCursor_AndTheLastPageSaysSo()
    {
        const string cursor = "c/1+&<x\"" ; // characters a cursor must survive in a URL and an attribute
        _host.Portal.AuditPages[""] = new AuditEventsResponse
        {
            Events = [new AuditEvent { Type = "user.login", Code = "T1000I", Time = DateTimeOffset.UtcNow, Id = "newer", User = "ann" }],
            NextCursor = cursor,
        };
        _host.Portal.AuditPages[cursor] = new AuditEventsResponse
        {
            Events = [new AuditEvent { Type = "user.login", Code = "T1000I", Time = DateTimeOffset.UtcNow.AddHours(-1), Id = "older", User = "ann" }],
            NextCursor = null,
        };
        var (cookie, _) = _host.SignedIn();

        using var first = await _host.GetAsync("/web/audit?user=ann&type=user.login&since=7d", cookie);
        var firstHtml = await first.Content.ReadAsStringAsync();

        const string olderHref = "/web/audit?user=ann&amp;type=user.login&amp;since=7d&amp;cursor=c%2F1%2B%26%3Cx%22";
        Assert.Contains($"""<a class="btn" href="{olderHref}" rel="next" data-testid="audit-older">Older events</a>""", firstHtml);
        Assert.DoesNotContain("audit-newest", firstHtml);
        Assert.DoesNotContain("audit-end", firstHtml);

        using var second = await _host.GetAsync(System.Net.WebUtility.HtmlDecode(olderHref), cookie);
        var secondHtml = await second.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains($"audit user=ann type=user.login since=set cursor={cursor}", _host.Portal.Calls);
        Assert.Contains("data-event=\"user.login\"", secondHtml);
        Assert.Contains("1 older event", secondHtml);
        Assert.Contains("data-testid=\"audit-end\"", secondHtml);
        Assert.DoesNotContain("audit-older", secondHtml);
        Assert.Contains("""<a class="btn btn-quiet" href="/web/audit?user=ann&amp;type=user.login&amp;since=7d" data-testid="audit-newest">""", secondHtml);
        Assert.Contains("<option value=\"7d\" selected>", secondHtml);
        AssertNoInlineCode(secondHtml, "/web/audit?cursor=...");
    }

    [Fact]
    public async Task Audit_ServiceAndOperation_ArePassed_KeptInTheFormAndAcrossPages_AndTheSummaryShowsOperationBucketAndKey()
    {
        const string cursor = "next-page";
        _host.Portal.AuditPages[""] = new AuditEventsResponse
        {
            Events =
            [
                new AuditEvent { Type = "app.session.request", Code = "T2009I", Time = DateTimeOffset.UtcNow, Id = "put", User = "ann" }
                    .Set("aws_service", "s3").Set("aws_operation", "PutObject").Set("s3_bucket", "ferry-bucket").Set("s3_key", "dir/report.csv"),
            ],
            NextCursor = cursor,
        };
        _host.Portal.AuditPages[cursor] = new AuditEventsResponse { Events = [], NextCursor = null };
        var (cookie, _) = _host.SignedIn();

        using var first = await _host.GetAsync("/web/audit?service=S3&operation=PutObject&since=7d", cookie);
        var html = await first.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("audit user= type= since=set cursor=none service=s3 operation=PutObject", _host.Portal.Calls); // the service as searched: lowercase
        Assert.Contains("""name="service" type="text" value="s3" """, html);
        Assert.Contains("""name="operation" type="text" value="PutObject" """, html);
        foreach (var (name, value) in new[] { ("aws_service", "s3"), ("aws_operation", "PutObject"), ("s3_bucket", "ferry-bucket"), ("s3_key", "dir/report.csv") })
        {
            Assert.Contains($"""<span class="kv"><span class="k">{name}</span> <span class="v">{value}</span></span>""", html);
        }

        const string olderHref = "/web/audit?service=s3&amp;operation=PutObject&amp;since=7d&amp;cursor=next-page";
        Assert.Contains($"""href="{olderHref}" rel="next" """, html);
        using var second = await _host.GetAsync(System.Net.WebUtility.HtmlDecode(olderHref), cookie);
        var secondHtml = await second.Content.ReadAsStringAsync();
        Assert.Contains($"audit user= type= since=set cursor={cursor} service=s3 operation=PutObject", _host.Portal.Calls);
        Assert.Contains("""href="/web/audit?service=s3&amp;operation=PutObject&amp;since=7d" data-testid="audit-newest">""", secondHtml);
        Assert.Contains("""name="operation" type="text" value="PutObject" """, secondHtml);
    }

    [Fact]
    public async Task Audit_EmptyServiceAndOperationFields_MatchEverything()
    {
        var (cookie, _) = _host.SignedIn();

        using var response = await _host.GetAsync("/web/audit?user=&type=&service=&operation=+&since=24h", cookie);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("audit user= type= since=set cursor=none", _host.Portal.Calls);
    }

    [Theory]
    [InlineData("operation=Put%20Object", "The operation field &quot;Put Object&quot; is not an AWS operation name")]
    [InlineData("service=s3%2Fbucket", "The AWS service field &quot;s3/bucket&quot; is not an AWS service name")]
    public async Task Audit_MalformedServiceOrOperation_Is400SayingWhatToFix_AndSearchesNothing(string query, string expected)
    {
        var (cookie, _) = _host.SignedIn();

        using var response = await _host.GetAsync("/web/audit?since=24h&" + query, cookie);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, html);
        Assert.Contains("such as", html);
        Assert.Contains("href=\"/web/audit\"", html);
        Assert.DoesNotContain(_host.Portal.Calls, c => c.StartsWith("audit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Audit_OnePageOnly_HasNoPager()
    {
        _host.Portal.Events.Add(new AuditEvent { Type = "user.login", Code = "T1000I", Time = DateTimeOffset.UtcNow, Id = "1", User = "ann" });
        var (cookie, _) = _host.SignedIn();

        using var response = await _host.GetAsync("/web/audit", cookie);

        Assert.DoesNotContain("audit-pager", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Audit_ACursorAuthRefuses_ShowsItsMessage()
    {
        _host.Portal.AuditFailure = FerryException.BadParameter("the audit cursor is not valid: pass back the next_cursor of the previous page unchanged");
        var (cookie, _) = _host.SignedIn();

        using var response = await _host.GetAsync("/web/audit?cursor=forged", cookie);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The audit cursor is not valid", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Signup_ShowsTheQrCodeAsInlineSvg_AndTheSecret()
    {
        using var response = await _host.GetAsync("/web/invite/good");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Matches("<svg class=\"qr\"[^>]*viewBox=\"0 0 \\d+ \\d+\"", html);
        Assert.Contains("JBSW Y3DP EHPK 3PXP", html);
        Assert.DoesNotContain("otpauth://", html); // the URI (with the secret) is only in the QR code, never in a link or request
    }

    [Fact]
    public async Task Assets_AreServedWithAVersionedUrl_AndCacheValidation()
    {
        using var page = await _host.GetAsync("/web/login");
        var css = CssLink().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.StartsWith("/web/assets/ferry.css?v=", css);

        using var response = await _host.GetAsync(css);
        Assert.Equal("text/css; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var etag = response.Headers.ETag!.ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, css);
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        using var again = await _host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        using var missing = await _host.GetAsync("/web/assets/nope.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static bool SignedInPage(string path) => path.StartsWith("/web/apps", StringComparison.Ordinal) || path.StartsWith("/web/audit", StringComparison.Ordinal);

    /// <summary>The CSP forbids inline script and style; a page that had them would break in the browser, so none may.</summary>
    private static void AssertNoInlineCode(string html, string path)
    {
        Assert.False(InlineScript().IsMatch(html), path + " has an inline <script>");
        Assert.False(Handler().IsMatch(html), path + " has an on...= handler attribute");
        Assert.False(StyleAttribute().IsMatch(html), path + " has a style attribute or element");
    }

    [GeneratedRegex("<script(?![^>]*\\bsrc=)", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    // A tag name, then attributes whose quoted values are skipped whole (an encoded " onerror=" inside a value is text).
    private const string TagStart = "<[a-zA-Z][^>\"']*(?:\"[^\"]*\"[^>\"']*|'[^']*'[^>\"']*)*";

    [GeneratedRegex(TagStart + "\\son[a-z]+\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex Handler();

    [GeneratedRegex("<style|" + TagStart + "\\sstyle\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex("href=\"(/web/assets/ferry\\.css[^\"]*)\"")]
    private static partial Regex CssLink();
}
