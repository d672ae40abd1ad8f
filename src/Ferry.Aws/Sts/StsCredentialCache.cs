using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Ferry.Aws.Endpoints;
using Ferry.Aws.Http;
using Ferry.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Aws.Sts;

/// <summary>
/// Real AWS credentials for a user's role: sts:AssumeRole with the agent's own identity, cached per
/// (role ARN, external ID, session name, source identity, duration) so that no request pays an STS round trip
/// while valid credentials are cached (docs/aws-access.md §12.3). Modelled on Npgsql's periodic password provider:
/// <code>
///   fresh   (now &lt; expiry − 5 min − jitter)      → cached credentials, no lock
///   stale   (… &lt; expiry − 1 min)                 → cached credentials; one background AssumeRole refreshes them
///   expired / missing                           → wait for the one AssumeRole in flight (single flight)
///   failed                                      → the mapped error; STS is asked again only after a back-off
///                                                 (1 s doubling to 30 s), stale credentials keep serving meanwhile
/// </code>
/// The STS endpoint honours AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, the HTTP stack AWS_CA_BUNDLE and the proxy
/// variables, all read from the injected environment. Thread-safe; dispose it with the agent.
/// </summary>
public sealed class StsCredentialCache : IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(10);

    private readonly StsCredentialCacheOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<StsCacheKey, StsCacheEntry> _entries = new();
    private readonly AwsBaseCredentials _base;
    private readonly HttpMessageHandler _handler;
    private readonly bool _ownsHandler;
    private readonly AmazonSecurityTokenServiceConfig _config;
    private readonly SemaphoreSlim _clientGate = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private AmazonSecurityTokenServiceClient? _client;
    private DateTimeOffset _nextSweep;

    public StsCredentialCache(StsCredentialCacheOptions? options = null, ILogger<StsCredentialCache>? logger = null)
    {
        _options = options ?? new StsCredentialCacheOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = _options.TimeProvider;
        _base = new AwsBaseCredentials(_options.BaseCredentials);
        Region = _options.Region ?? NonEmpty(_options.Environment("AWS_REGION")) ?? NonEmpty(_options.Environment("AWS_DEFAULT_REGION")) ?? "us-east-1";
        Endpoint = new AwsEndpointResolver(_options.Environment).ResolveSts(Region);
        _ownsHandler = _options.HttpHandler is null;
        _handler = _options.HttpHandler ?? AwsHttpClientFactory.CreateHandler(AwsHttpClientOptions.FromEnvironment(_options.Environment), _logger);
        _config = new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = Endpoint.BaseUri.ToString(),
            AuthenticationRegion = Region,
            IgnoreConfiguredEndpointUrls = true, // the injected environment decided the endpoint above
            HttpClientFactory = new SdkHttpClientFactory(_handler),
        };
        _nextSweep = _time.GetUtcNow() + SweepInterval;
    }

    /// <summary>The region STS is called in.</summary>
    public string Region { get; }

    /// <summary>The STS endpoint (regional, or the override).</summary>
    public AwsEndpoint Endpoint { get; }

    /// <summary>
    /// Credentials for <paramref name="roleArn"/> as <paramref name="sessionName"/> (see <see cref="RoleSessionName.FromUser"/>).
    /// </summary>
    /// <exception cref="FerryException">AccessDenied when the agent may not assume the role, Unavailable when it has no
    /// credentials or STS cannot be reached, BadParameter when STS rejects the parameters.</exception>
    public async Task<AwsSessionCredentials> GetAsync(
        string roleArn, string? externalId, string sessionName, string? sourceIdentity = null, int? durationSeconds = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(roleArn);
        ArgumentException.ThrowIfNullOrEmpty(sessionName);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var key = new StsCacheKey(roleArn, NullIfEmpty(externalId), sessionName, NullIfEmpty(sourceIdentity), durationSeconds);
        var entry = _entries.GetOrAdd(key, static _ => new StsCacheEntry());
        var now = _time.GetUtcNow();

        // Hot path: fresh credentials, no lock.
        var current = entry.Current;
        if (current is not null && now < current.RefreshAt)
        {
            return current.Credentials;
        }

        Task<AwsSessionCredentials> pending;
        lock (entry.Gate)
        {
            current = entry.Current;
            if (current is not null && now < current.RefreshAt)
            {
                return current.Credentials;
            }

            var usable = current is not null && now < current.UsableUntil;
            if (entry.Pending is null)
            {
                if (entry.LastFailure is { } failure && now < entry.RetryAfter)
                {
                    if (usable)
                    {
                        return current!.Credentials;
                    }

                    throw new FerryException(failure.Kind, failure.Message, failure.InnerException);
                }

                if (usable)
                {
                    AwsLog.StsBackgroundRefresh(_logger, roleArn, sessionName, current!.Credentials.Expiration);
                }

                entry.Pending = Task.Run(() => FetchAsync(key, entry));
                entry.Pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            if (usable)
            {
                return current!.Credentials;
            }

            pending = entry.Pending;
        }

        SweepIfDue(now);
        return await pending.WaitAsync(ct);
    }

    /// <summary>
    /// Whether the agent's own credentials are temporary (assume-role, web identity, SSO, a session token), which caps
    /// console sessions at 1 h and forbids SessionDuration in getSigninToken (docs/aws-access.md §3.4).
    /// </summary>
    public async ValueTask<bool> IsBaseCredentialTemporaryAsync(CancellationToken ct = default)
    {
        var provider = await _base.GetAsync(_config, ct);
        return AwsBaseCredentials.IsTemporary(provider, await AwsBaseCredentials.GetImmutableAsync(provider));
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _client?.Dispose();
        if (_ownsHandler)
        {
            _handler.Dispose();
        }

        _clientGate.Dispose();
    }

    private async Task<AwsSessionCredentials> FetchAsync(StsCacheKey key, StsCacheEntry entry)
    {
        try
        {
            var client = await GetClientAsync(_disposed.Token);
            var response = await client.AssumeRoleAsync(new AssumeRoleRequest
            {
                RoleArn = key.RoleArn,
                RoleSessionName = key.SessionName,
                ExternalId = key.ExternalId,
                SourceIdentity = key.SourceIdentity,
                DurationSeconds = key.DurationSeconds,
            }, _disposed.Token);

            var c = response.Credentials ?? throw new AmazonSecurityTokenServiceException("AssumeRole returned no credentials");
            var expiration = c.Expiration is { } e ? ToUtc(e) : _time.GetUtcNow().AddSeconds(key.DurationSeconds ?? 3600);
            var credentials = new AwsSessionCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken, expiration, response.AssumedRoleUser?.Arn);
            var jitter = _options.RefreshJitter * Random.Shared.NextDouble();
            lock (entry.Gate)
            {
                entry.Current = new StsCachedCredentials(credentials, expiration - _options.RefreshBeforeExpiry - jitter, expiration - _options.MinimumRemaining);
                entry.LastFailure = null;
                entry.Backoff = TimeSpan.Zero;
                entry.Pending = null;
            }

            AwsLog.StsAssumedRole(_logger, key.RoleArn, key.SessionName, credentials.AccessKeyId, expiration);
            return credentials;
        }
        catch (Exception error) when (error is not OperationCanceledException || !_disposed.IsCancellationRequested)
        {
            var mapped = StsErrorMapper.Map(error, key.RoleArn, key.SourceIdentity, key.ExternalId, Endpoint.BaseUri.ToString());
            TimeSpan backoff;
            bool serving;
            lock (entry.Gate)
            {
                backoff = entry.Backoff == TimeSpan.Zero ? _options.FailureBackoff
                    : TimeSpan.FromTicks(Math.Min(entry.Backoff.Ticks * 2, _options.MaxFailureBackoff.Ticks));
                entry.Backoff = backoff;
                entry.RetryAfter = _time.GetUtcNow() + backoff;
                entry.LastFailure = mapped;
                entry.Pending = null;
                serving = entry.Current is { } current && _time.GetUtcNow() < current.UsableUntil;
            }

            AwsLog.StsAssumeRoleFailed(_logger, key.RoleArn, key.SessionName, mapped.Kind, backoff, serving, mapped.Message);
            throw mapped;
        }
    }

    private async ValueTask<AmazonSecurityTokenServiceClient> GetClientAsync(CancellationToken ct)
    {
        if (_client is { } client)
        {
            return client;
        }

        await _clientGate.WaitAsync(ct);
        try
        {
            if (_client is null)
            {
                var credentials = await _base.GetAsync(_config, ct);
                var temporary = AwsBaseCredentials.IsTemporary(credentials, await AwsBaseCredentials.GetImmutableAsync(credentials));
                AwsLog.StsBaseCredentials(_logger, credentials.GetType().Name, temporary, Endpoint.BaseUri.ToString(), Region);
                _client = new AmazonSecurityTokenServiceClient(credentials, _config);
            }

            return _client;
        }
        finally
        {
            _clientGate.Release();
        }
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + SweepInterval;
        foreach (var (key, entry) in _entries)
        {
            lock (entry.Gate)
            {
                if (entry.Pending is null && now >= entry.RetryAfter && (entry.Current is null || now >= entry.Current.UsableUntil))
                {
                    _entries.TryRemove(new KeyValuePair<StsCacheKey, StsCacheEntry>(key, entry));
                }
            }
        }
    }

    private static DateTimeOffset ToUtc(DateTime value) =>
        new(value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime());

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
