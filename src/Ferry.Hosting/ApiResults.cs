using System.Text.Json;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ferry.Hosting;

/// <summary>Writes API answers and turns failures into the one error shape, without leaking internals.</summary>
public static partial class ApiResults
{
    public static IResult Json<T>(T value) => Results.Json(value, ApiJson.Options);

    /// <summary>Pre-serialised JSON (resources use their own codec).</summary>
    public static IResult RawJson(byte[] json) => Results.Bytes(json, "application/json");

    public static byte[] JsonArray(IEnumerable<byte[]> elements)
    {
        using var buffer = new MemoryStream();
        buffer.WriteByte((byte)'[');
        var first = true;
        foreach (var element in elements)
        {
            if (!first)
            {
                buffer.WriteByte((byte)',');
            }

            buffer.Write(element);
            first = false;
        }

        buffer.WriteByte((byte)']');
        return buffer.ToArray();
    }

    public static async Task WriteErrorAsync(HttpContext context, ErrorKind kind, string message)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = ErrorKindMapping.ToHttpStatus(kind);
        await context.Response.WriteAsJsonAsync(new ApiErrorBody(new ApiError(ErrorKindMapping.ToWireName(kind), message)), ApiJson.Options);
    }

    /// <summary>Middleware: every exception becomes {"error": ...}; unexpected ones are logged and reported as "internal error".</summary>
    public static async Task HandleErrorsAsync(HttpContext context, RequestDelegate next, ILogger logger)
    {
        try
        {
            await next(context);
        }
        catch (FerryException e)
        {
            await WriteErrorAsync(context, e.Kind, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            await WriteErrorAsync(context, e.StatusCode == 413 ? ErrorKind.LimitExceeded : ErrorKind.BadParameter, e.StatusCode == 413 ? "request body too large" : "malformed request: " + e.Message);
        }
        catch (JsonException)
        {
            await WriteErrorAsync(context, ErrorKind.BadParameter, "malformed JSON in request body");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; nothing to answer.
        }
        catch (Exception e)
        {
            LogUnexpected(logger, context.Request.Method, context.Request.Path, e);
            await WriteErrorAsync(context, ErrorKind.Internal, "internal error; see the server log");
        }
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Error, Message = "Unexpected error serving {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, string method, string path, Exception exception);
}
