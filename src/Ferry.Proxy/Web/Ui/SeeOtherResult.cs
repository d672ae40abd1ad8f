using Ferry.Proxy.Web.Ui.Security;
using Microsoft.AspNetCore.Http;

namespace Ferry.Proxy.Web.Ui;

/// <summary>
/// 303 See Other: after a POST the browser follows with a GET, so reloading the next page never resubmits a form.
/// Used for GET redirects too, for one redirect shape everywhere.
/// </summary>
internal sealed class SeeOtherResult : IResult
{
    private readonly string _location;

    public SeeOtherResult(string location)
    {
        _location = location;
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        PageHeaders.Apply(httpContext.Response);
        httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        httpContext.Response.Headers.Location = _location;
        return Task.CompletedTask;
    }
}
