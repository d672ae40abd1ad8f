using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Sso;

namespace Ferry.Client.Login;

/// <summary>
/// tsh's end of a browser login: an HTTP listener on 127.0.0.1 that waits for the browser to arrive at
/// <c>/callback?response=SEALED</c> and opens the result with the key only this process holds
/// (src/Ferry.Core/Sso/SsoSeal.cs). Anything that does not open with the key (another program on this machine guessing
/// the port) is answered 400 and ignored; the wait goes on until the real result or the deadline.
/// System.Net.HttpListener is enough for one loopback request and keeps tsh free of a web server.
/// </summary>
public sealed class SsoCallbackListener : IDisposable
{
    private const string SuccessPage = "<!doctype html><meta charset=utf-8><title>Ferry</title><p>Login successful. You can close this window and return to the terminal.</p>";

    private readonly HttpListener _listener;

    private SsoCallbackListener(HttpListener listener, int port)
    {
        _listener = listener;
        Port = port;
        RedirectUrl = SsoClientRedirect.For(port);
        SealKey = SsoSeal.NewKey();
    }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:PORT/callback</c>, sent to auth as the client redirect URL.</summary>
    public string RedirectUrl { get; }

    /// <summary>The key auth seals the result with; sent to auth over TLS, never through the browser.</summary>
    public string SealKey { get; }

    public static SsoCallbackListener Start()
    {
        // HttpListener needs a concrete port: take a free one from the kernel, and try again if another program grabs it first.
        for (var attempt = 0; ; attempt++)
        {
            var port = FreeLoopbackPort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new SsoCallbackListener(listener, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>Waits for the sealed result; the login's certificate, or an AccessDenied with the reason the login failed.</summary>
    public async Task<LoginResponse> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var registration = deadline.Token.Register(() => _listener.Stop());
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException && deadline.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw FerryException.AccessDenied(
                    $"no answer from the browser login within {(int)timeout.TotalSeconds} s; run tsh login again and finish signing in at the identity provider");
            }

            if (Accept(context) is { } result)
            {
                return result.Login ?? throw FerryException.AccessDenied("login failed: " + (result.Error ?? "the identity provider's answer was refused"));
            }
        }
    }

    private SsoConsoleResult? Accept(HttpListenerContext context)
    {
        var request = context.Request;
        if (request.HttpMethod != "GET" || request.Url?.AbsolutePath != SsoClientRedirect.CallbackPath)
        {
            Answer(context.Response, 404, "Not found.");
            return null;
        }

        var opened = SsoSeal.Open(SealKey, request.QueryString["response"]);
        SsoConsoleResult? result = null;
        try
        {
            result = opened is null ? null : JsonSerializer.Deserialize(opened, ApiJson.TypeInfo<SsoConsoleResult>());
        }
        catch (JsonException)
        {
        }

        if (result is null)
        {
            Answer(context.Response, 400, "This is not the result of your login.");
            return null;
        }

        Answer(context.Response, 200, result.Login is not null ? null : "Login failed: " + result.Error + " (the terminal shows this too).");
        return result;
    }

    private static void Answer(HttpListenerResponse response, int status, string? message)
    {
        var body = Encoding.UTF8.GetBytes(message is null ? SuccessPage
            : "<!doctype html><meta charset=utf-8><title>Ferry</title><p>" + WebUtility.HtmlEncode(message) + "</p>");
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers["Cache-Control"] = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
        response.Close();
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose() => _listener.Close();
}
