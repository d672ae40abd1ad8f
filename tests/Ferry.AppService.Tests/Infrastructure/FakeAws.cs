using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Web;
using Ferry.Aws;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Ferry.AppService.Tests.Infrastructure;

/// <summary>
/// AWS as the agent sees it, on one loopback Kestrel that the agent reaches through AWS_ENDPOINT_URL and
/// AWS_ENDPOINT_URL_SIGNIN, recording everything it receives:
/// <code>
///   /federation?Action=getSigninToken   the sign-in federation endpoint: {"SigninToken": ...}
///   form body Action=AssumeRole         STS (query protocol): fresh credentials per call, or AccessDenied for a refused role
///   anything else                       a service call: recorded as received and answered with a fixed JSON body
/// </code>
/// </summary>
internal sealed class FakeAws : IAsyncDisposable
{
    public const string ServiceRequestId = "fake-aws-request-1";
    public const string ServiceResponseBody = """{"Item":{"id":{"S":"42"}}}""";
    public const string AgentIdentityArn = "arn:aws:iam::123456789000:user/ferry-agent";

    private readonly WebApplication _app;
    private int _issued;

    private FakeAws(WebApplication app)
    {
        _app = app;
    }

    public string BaseUrl { get; private set; } = "";

    public ConcurrentQueue<AssumeRoleCall> AssumeRoleCalls { get; } = new();

    public ConcurrentQueue<ReceivedRequest> ServiceRequests { get; } = new();

    /// <summary>The query of each getSigninToken call.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> SigninTokenCalls { get; } = new();

    /// <summary>Role ARNs STS refuses to let the agent assume (its trust policy does not name the agent).</summary>
    public ConcurrentDictionary<string, bool> RefusedRoles { get; } = new(StringComparer.Ordinal);

    public static async Task<FakeAws> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var aws = new FakeAws(app);
        app.Run(aws.HandleAsync);
        await app.StartAsync();
        aws.BaseUrl = app.Urls.First();
        return aws;
    }

    /// <summary>The credentials of the <paramref name="index"/>-th AssumeRole STS granted (0 is the first; refused calls grant none).</summary>
    public AwsCredentials IssuedCredentials(int index) => Credentials(index + 1);

    private static AwsCredentials Credentials(int n) => new($"ASIAFAKE{n:D12}", $"fake-secret-{n}", $"fake-session-token-{n}");

    private async Task HandleAsync(HttpContext http)
    {
        var body = await ReadBodyAsync(http.Request);
        if (http.Request.Path == "/federation")
        {
            SigninTokenCalls.Enqueue(http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal));
            await WriteAsync(http, 200, "application/json", JsonSerializer.Serialize(new { SigninToken = $"signin-token-{SigninTokenCalls.Count}" }));
            return;
        }

        var form = http.Request.HasFormContentType ? HttpUtility.ParseQueryString(Encoding.UTF8.GetString(body)) : null;
        if (form?["Action"] == "AssumeRole")
        {
            await AssumeRoleAsync(http, form);
            return;
        }

        var target = http.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var headers = http.Request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? ""))).ToList();
        ServiceRequests.Enqueue(new ReceivedRequest(http.Request.Method, target, headers, body));
        http.Response.Headers["x-amzn-RequestId"] = ServiceRequestId;
        await WriteAsync(http, 200, "application/x-amz-json-1.0", ServiceResponseBody);
    }

    private async Task AssumeRoleAsync(HttpContext http, NameValueCollection form)
    {
        var roleArn = form["RoleArn"] ?? "";
        AssumeRoleCalls.Enqueue(new AssumeRoleCall(
            roleArn, form["RoleSessionName"], form["ExternalId"], form["SourceIdentity"], form["DurationSeconds"], http.Request.Headers.Authorization.ToString()));
        if (RefusedRoles.ContainsKey(roleArn))
        {
            await WriteAsync(http, 403, "text/xml", $"""
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: {AgentIdentityArn} is not authorized to perform: sts:AssumeRole on resource: {roleArn}</Message></Error>
                  <RequestId>fake-sts-denied</RequestId>
                </ErrorResponse>
                """);
            return;
        }

        var credentials = Credentials(Interlocked.Increment(ref _issued));
        var expiration = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        await WriteAsync(http, 200, "text/xml", $"""
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleResult>
                <AssumedRoleUser>
                  <Arn>{roleArn.Replace(":iam::", ":sts::", StringComparison.Ordinal).Replace(":role/", ":assumed-role/", StringComparison.Ordinal)}/{form["RoleSessionName"]}</Arn>
                  <AssumedRoleId>AROAFAKE:{form["RoleSessionName"]}</AssumedRoleId>
                </AssumedRoleUser>
                <Credentials>
                  <AccessKeyId>{credentials.AccessKeyId}</AccessKeyId>
                  <SecretAccessKey>{credentials.SecretAccessKey}</SecretAccessKey>
                  <SessionToken>{credentials.SessionToken}</SessionToken>
                  <Expiration>{expiration}</Expiration>
                </Credentials>
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>fake-sts-ok</RequestId></ResponseMetadata>
            </AssumeRoleResponse>
            """);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static async Task WriteAsync(HttpContext http, int status, string contentType, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        await http.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One AssumeRole as STS received it; Authorization is the agent's own SigV4 header.</summary>
internal sealed record AssumeRoleCall(string RoleArn, string? RoleSessionName, string? ExternalId, string? SourceIdentity, string? DurationSeconds, string Authorization);

/// <summary>A service call exactly as it reached AWS: the raw request target, every header, the body.</summary>
internal sealed record ReceivedRequest(string Method, string RawTarget, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public bool HasHeader(string name) => Headers.Any(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
}
