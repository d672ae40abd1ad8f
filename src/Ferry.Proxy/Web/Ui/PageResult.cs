using System.Text;
using Ferry.Proxy.Web.Ui.Html;
using Ferry.Proxy.Web.Ui.Security;
using Microsoft.AspNetCore.Http;

namespace Ferry.Proxy.Web.Ui;

/// <summary>A rendered page with the security headers every page carries.</summary>
internal sealed class PageResult : IResult
{
    private readonly Markup _html;
    private readonly int _status;

    public PageResult(Markup html, int status = StatusCodes.Status200OK)
    {
        _html = html;
        _status = status;
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = _status;
        PageHeaders.Apply(response);
        response.ContentType = "text/html; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(_html.Value);
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, httpContext.RequestAborted).AsTask();
    }
}
