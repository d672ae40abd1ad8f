using System.Diagnostics;
using Ferry.Aws.SigV4;
using Ferry.Core.Audit;
using Ferry.Core.Diagnostics;
using Ferry.Core.Identity;
using Ferry.Core.Resources;

namespace Ferry.Cluster.Audit;

/// <summary>
/// The one audit event of one app request (an AWS API call or a console sign-in), filled in along the path and
/// emitted exactly once, whatever the outcome: forwarded and answered, refused by RBAC or a lock, failed at STS,
/// too large, AWS unreachable. The hop that ends the request emits it: the agent for everything it handled, the
/// proxy for what it refused or could not deliver.
/// </summary>
public sealed class AppRequestAudit
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Dictionary<string, object> _fields = new(StringComparer.Ordinal);
    private readonly string _component;
    private int _emitted;

    /// <param name="component">proxy or agent: which hop this is, for the latency histogram.</param>
    public AppRequestAudit(string component, FerryIdentity identity, string method, string path, string? rawQuery)
    {
        _component = component;
        Identity = identity;
        Set("sid", identity.RouteToApp?.SessionId).Set("app_name", identity.RouteToApp?.AppName).Set("aws_role_arn", identity.RouteToApp?.AwsRoleArn)
            .Set("method", method).Set("path", path).Set("raw_query", Loggable(rawQuery));
    }

    public FerryIdentity Identity { get; }

    /// <summary>A query as the log may keep it: a presigned request's signing parameters are a credential until it expires.</summary>
    private static string? Loggable(string? rawQuery)
    {
        var query = string.IsNullOrEmpty(rawQuery) ? rawQuery : SigV4QueryParameters.WithoutSigningParameters(rawQuery);
        return string.IsNullOrEmpty(query) ? null : query;
    }

    /// <summary>app.session.request, or app.session.dynamodb.request once the service is known to be DynamoDB.</summary>
    public string Type { get; set; } = EventTypes.AppSessionRequest;

    public AppRequestAudit Set(string name, object? value)
    {
        if (value is not null)
        {
            _fields[name] = value;
        }

        return this;
    }

    public AppRequestAudit ForApp(App app) =>
        Set("app_name", app.Name).Set("app_uri", app.Spec.Uri).Set("app_public_addr", app.Spec.PublicAddr);

    /// <summary>Emits the event once (later calls do nothing): success when <paramref name="error"/> is null and the status is below 400.</summary>
    public void Emit(AuditBatcher sink, string? clusterName, int status, string? error, TimeProvider time)
    {
        if (Interlocked.Exchange(ref _emitted, 1) == 1)
        {
            return;
        }

        var success = error is null && status < 400;
        var auditEvent = new AuditEvent
        {
            Type = Type,
            Code = EventTypes.Code(Type, success),
            Time = time.GetUtcNow(),
            Id = Guid.NewGuid().ToString(),
            ClusterName = clusterName,
            User = Identity.Username,
            Success = success,
            Error = error ?? (success ? null : $"status {status}"),
        };
        foreach (var (name, value) in _fields)
        {
            auditEvent.Fields[name] = value;
        }

        var elapsed = Stopwatch.GetElapsedTime(_started);
        auditEvent.Set("status_code", status).Set("latency_ms", Math.Round(elapsed.TotalMilliseconds, 2));
        sink.Emit(auditEvent);
        FerryMetrics.AppRequestDuration.Record(
            elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("component", _component),
            new KeyValuePair<string, object?>("aws_service", _fields.GetValueOrDefault("aws_service") as string ?? "none"),
            new KeyValuePair<string, object?>("outcome", success ? "success" : status < 500 ? "refused" : "failed"));
    }

    public bool Emitted => Volatile.Read(ref _emitted) == 1;
}
