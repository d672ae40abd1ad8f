using Ferry.Aws.Errors;
using Ferry.Aws.SigV4;
using Ferry.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Ferry.Hosting;

/// <summary>How the proxy and the agent answer AWS clients: upstream answers copied unchanged, their own errors in the client's protocol.</summary>
public static class ProxiedResponses
{
    /// <summary>Status, headers (minus hop-by-hop ones) and streamed body of an upstream answer.</summary>
    public static async Task CopyAsync(HttpContext context, HttpResponseMessage response)
    {
        var target = context.Response;
        target.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers)
        {
            if (!ReservedHeaders.IsHopByHop(name))
            {
                target.Headers[name] = values.ToArray();
            }
        }

        foreach (var (name, values) in response.Content.Headers)
        {
            target.Headers[name] = values.ToArray();
        }

        await response.Content.CopyToAsync(target.Body, context.RequestAborted);
    }

    /// <summary>The status a Ferry error is answered with (what the audit event records): the response's own once it started.</summary>
    public static int StatusOf(HttpContext context, FerryException error) =>
        context.Response.HasStarted ? context.Response.StatusCode : ErrorKindMapping.ToHttpStatus(error.Kind);

    /// <summary>
    /// A Ferry error shaped for the AWS client's protocol (JSON for DynamoDB, XML for query APIs, ...) with the detail
    /// in X-Teleport-Api-Error, so SDKs print a useful message (docs/aws-access.md §12.4). A started response is aborted.
    /// </summary>
    public static async Task WriteAwsErrorAsync(HttpContext context, FerryException error, int? statusOverride = null)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        var request = context.Request;
        var signature = RequestSignatures.Parse(context, out _);
        var protocol = AwsErrorWriter.DetectProtocol(signature?.Service, request.ContentType, request.Headers["X-Amz-Target"].ToString(), request.QueryString.Value?.TrimStart('?'));
        var response = AwsErrorWriter.FromException(error, protocol);
        context.Response.StatusCode = statusOverride ?? response.StatusCode;
        context.Response.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }
}
