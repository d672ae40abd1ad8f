using System.Security.Cryptography.X509Certificates;
using Ferry.Cluster.Join;
using Ferry.Client.Http;
using Ferry.Cluster.Tests.Infrastructure;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Cluster.Tests.Join;

/// <summary>
/// The agent renews its host certificate at half-life (src/Ferry.AppService/Join/IdentityRenewer.cs): a new key, a
/// certificate from auth for it, on disk (0600) before it is used, and every new connection presents it. A refusal
/// leaves the identity as it was and the next check tries again. Auth is a real HTTPS endpoint; time is fake.
/// </summary>
public sealed class IdentityRenewerTests : IAsyncLifetime
{
    /// <summary>Certificates are backdated a minute, so half-life falls 30 s before 36 h after issue.</summary>
    private static readonly TimeSpan HalfLife = RenewingAuth.HostCertTtl / 2 - TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(5);

    private readonly CountingTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ferry-renewer-" + Guid.NewGuid().ToString("N"));
    private TestPki _pki = null!;
    private RenewingAuth _auth = null!;
    private HostIdentity _identity = null!;
    private X509Certificate2 _original = null!;

    public async Task InitializeAsync()
    {
        _pki = new TestPki(_time.Uncounted);
        _auth = await RenewingAuth.StartAsync(_pki, _time.Uncounted);
        _original = _pki.Host("3f1c2a9e-agent", SystemRoles.App, RenewingAuth.HostCertTtl);
        var file = IdentityFile.Create(_original.GetECDsaPrivateKey()!, _original, _pki.HostCa.CertificatePem, _pki.UserCa.CertificatePem);
        var path = Path.Combine(_directory, "identities", "app.pem");
        file.Save(path);
        _identity = new HostIdentity(file, ServerTrust.ForProxy(_pki.HostCa.Certificate), path);
    }

    [Fact]
    public async Task Renewal_BeforeHalfLife_RenewsNothing()
    {
        await using var renewer = Start();
        await ChecksAsync(1);

        _time.Advance(HalfLife - TimeSpan.FromMinutes(10));
        await ChecksAsync(2);
        _time.Advance(CheckEvery);
        await ChecksAsync(3); // so check 2, just before half-life, has finished

        Assert.Empty(_auth.Requests);
        Assert.Same(_original, _identity.Source.Current);
        Assert.Equal(_original.Thumbprint, IdentityFile.Load(_identity.Path).Certificate.Thumbprint);
    }

    [Fact]
    public async Task Renewal_AfterHalfLife_ReplacesTheIdentityWithANewKeysCertificate()
    {
        var replaced = new TaskCompletionSource<X509Certificate2>(TaskCreationOptions.RunContinuationsAsynchronously);
        _identity.Source.Replaced += certificate => replaced.TrySetResult(certificate);
        await using var renewer = Start();
        await ChecksAsync(1);

        _time.Advance(HalfLife + TimeSpan.FromMinutes(1));
        var renewed = await Wait.ForAsync(replaced.Task, "the renewed certificate");

        // Auth was asked by the old identity, for a key that is not the old one.
        var request = Assert.Single(_auth.Requests);
        Assert.Equal("3f1c2a9e-agent", request.Caller?.Username);
        Assert.NotEqual(_original.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfoPem(), request.PublicKeyPem);
        // The new certificate: same host, same role, the new key (with its private half), from the host CA.
        Assert.Same(renewed, _identity.Source.Current);
        Assert.NotEqual(_original.Thumbprint, renewed.Thumbprint);
        Assert.True(renewed.HasPrivateKey);
        Assert.Equal(request.PublicKeyPem, renewed.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfoPem());
        var identity = _pki.Verifier(_time.Uncounted).Verify(renewed);
        Assert.Equal(IdentityKind.Host, identity.Kind);
        Assert.Equal("3f1c2a9e-agent", identity.Username);
        Assert.Equal(new[] { SystemRoles.App }, identity.Roles);
        Assert.Equal("3f1c2a9e-agent", _identity.HostId);
        Assert.False(_identity.Source.DueForRenewal(_time.Uncounted.GetUtcNow()));
        // On disk, owner-only, and what a restart would load.
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_identity.Path));
        }

        var loaded = IdentityFile.Load(_identity.Path);
        Assert.Equal(renewed.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.Equal("3f1c2a9e-agent", loaded.Identity.Username);
        Assert.Equal(_pki.HostCa.Certificate.Thumbprint, loaded.HostCa().Thumbprint);
        Assert.Equal(_pki.UserCa.Certificate.Thumbprint, loaded.UserCa().Thumbprint);
        Assert.Same(renewed, _identity.File.Certificate);
    }

    [Fact]
    public async Task Renewal_RefusedByAuth_KeepsTheOldIdentityAndTriesAgain()
    {
        var replacements = 0;
        _identity.Source.Replaced += _ => Interlocked.Increment(ref replacements);
        _auth.Refuse = "host 3f1c2a9e-agent is not registered as a App host; join again";
        await using var renewer = Start();
        await ChecksAsync(1);

        _time.Advance(HalfLife + TimeSpan.FromMinutes(1));
        await Wait.UntilAsync(() => _auth.Requests.Count == 1, "the first renewal attempt");
        _time.Advance(CheckEvery);
        await Wait.UntilAsync(() => _auth.Requests.Count == 2, "a second attempt at the next check");
        _time.Advance(CheckEvery);
        await Wait.UntilAsync(() => _auth.Requests.Count == 3, "a third attempt");

        Assert.Equal(0, Volatile.Read(ref replacements));
        Assert.Same(_original, _identity.Source.Current);
        Assert.Same(_original, _identity.File.Certificate);
        Assert.Equal(_original.Thumbprint, IdentityFile.Load(_identity.Path).Certificate.Thumbprint);

        // Once auth answers again, the next check renews.
        var replaced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _identity.Source.Replaced += _ => replaced.TrySetResult();
        _auth.Refuse = null;
        _time.Advance(CheckEvery);
        await Wait.ForAsync(replaced.Task, "the renewal once auth accepts");
        Assert.NotEqual(_original.Thumbprint, _identity.Source.Current.Thumbprint);
    }

    private IdentityRenewer Start() =>
        new(_identity, () => _auth.Client(_identity.Source), _time, NullLogger.Instance);

    /// <summary>Until the renewer has started its <paramref name="count"/>th check (see <see cref="CountingTimeProvider"/>).</summary>
    private Task ChecksAsync(int count) => Wait.UntilAsync(() => _time.Reads >= count, $"check {count} of the renewer");

    public async Task DisposeAsync()
    {
        await _auth.DisposeAsync();
        _pki.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
