using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Api;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Ferry.Storage.Audit;
using Ferry.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Auth.Tests.Infrastructure;

/// <summary>A real auth server on an in-memory SQLite backend and audit store with a fake clock (bcrypt cost lowered for speed).</summary>
internal sealed class AuthFixture : IAsyncDisposable
{
    public const string Password = "correct-horse-battery-staple";

    private readonly SqliteBackend _backend;

    private AuthFixture(SqliteBackend backend, SqliteAuditStore auditStore, AuthServer server, FakeTimeProvider time)
    {
        _backend = backend;
        AuditStore = auditStore;
        Server = server;
        Time = time;
    }

    public AuthServer Server { get; }
    public FakeTimeProvider Time { get; }

    /// <summary>The store under the audit log, for reading what was stored exactly as stored.</summary>
    public IAuditStore AuditStore { get; }

    public static Task<AuthFixture> StartAsync(Func<AuthServerOptions, AuthServerOptions> configure) => StartAsync(SecondFactorMode.Off, configure);

    public static async Task<AuthFixture> StartAsync(SecondFactorMode secondFactor = SecondFactorMode.Off, Func<AuthServerOptions, AuthServerOptions>? configure = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var backend = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = SqliteBackendOptions.InMemory }, time, null, CancellationToken.None);
        var auditStore = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { Path = SqliteBackendOptions.InMemory }, time, null, CancellationToken.None);
        // Connectors in these tests point at made-up providers (https://idp.test); tests of the create-time check turn it on.
        var options = new AuthServerOptions
        {
            ClusterName = "test.cluster", SecondFactor = secondFactor, BcryptWorkFactor = 4, ProxyPublicAddrs = ["proxy.test:3080"], CheckConnectorEndpoints = false,
        };
        var server = await AuthServer.InitializeAsync(backend, auditStore, configure is null ? options : configure(options), time, CancellationToken.None);
        return new AuthFixture(backend, auditStore, server, time);
    }

    public async Task<CreateUserResultInfo> AddUserAsync(string name, IReadOnlyList<string> roles, string? password = Password)
    {
        var user = new User { Metadata = new ResourceMetadata { Name = name }, Spec = new UserSpec { Roles = roles } };
        var result = await Server.Users.CreateAsync(user, password, "test", CancellationToken.None);
        return new CreateUserResultInfo(result.Signup?.Token, result.OtpUri);
    }

    public static (ECDsa Key, string PublicKeyPem) NewKey()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (key, key.ExportSubjectPublicKeyInfoPem());
    }

    public Task<LoginResponse> LoginAsync(
        string user, string password = Password, string? otp = null, TimeSpan? ttl = null, string? publicKey = null, string remoteAddr = "127.0.0.1") =>
        Server.Login.LoginAsync(
            new LoginRequest { User = user, Password = password, OtpCode = otp, PublicKey = publicKey ?? NewKey().PublicKeyPem, Ttl = ttl },
            remoteAddr,
            CancellationToken.None).AsTask();

    /// <summary>bcrypt verifications run so far, dummy ones included.</summary>
    public long PasswordChecks => Server.Users.Hasher.Verifications;

    /// <summary>Failed user.login events of <paramref name="user"/> whose error is <paramref name="error"/>.</summary>
    public async Task<int> FailuresAsync(string user, string error) =>
        (await EventsAsync(Core.Audit.EventTypes.UserLogin)).Count(e => !e.Success && e.User == user && e.Error == error);

    public FerryIdentity Verify(LoginResponse response) => Server.Verifier.Verify(X509Certificate2.CreateFromPem(response.CertPem));

    public async Task<IReadOnlyList<Core.Audit.AuditEvent>> EventsAsync(string type) =>
        (await Server.Audit.SearchAsync(new AuditQuery { Types = [type], Limit = AuditQuery.MaxLimit }, CancellationToken.None)).Events;

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await AuditStore.DisposeAsync();
        await _backend.DisposeAsync();
    }
}

internal sealed record CreateUserResultInfo(string? SignupToken, string? OtpUri);
