using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Cluster;

/// <summary>proxy_service.https_keypairs: served by SNI, and re-read every https_keypairs_reload_interval (a renewal needs no restart).</summary>
public sealed class KeyPairTests
{
    [Fact]
    public async Task KeyPairs_AreChosenBySni_AndReloadedOnTheirInterval_KeepingTheLastGoodOnABadFile()
    {
        string? directory = null;
        await using var cluster = await TestCluster.StartAsync(proxyExtra: dir =>
        {
            directory = dir;
            WritePair(dir, "a", "alpha.example.com", "first");
            WritePair(dir, "b", "beta.example.com", "first");
            return $"""
                  https_keypairs:
                  - key_file: {dir}/a.key
                    cert_file: {dir}/a.crt
                  - key_file: {dir}/b.key
                    cert_file: {dir}/b.crt
                  https_keypairs_reload_interval: 1s
                """;
        });

        Assert.Equal("CN=first alpha.example.com", await ServedSubjectAsync(cluster, "alpha.example.com"));
        Assert.Equal("CN=first beta.example.com", await ServedSubjectAsync(cluster, "beta.example.com"));
        Assert.Equal("CN=first alpha.example.com", await ServedSubjectAsync(cluster, "unknown.example.com")); // the first pair

        WritePair(directory!, "a", "alpha.example.com", "renewed");
        await Until.TrueAsync(async () => await ServedSubjectAsync(cluster, "alpha.example.com") == "CN=renewed alpha.example.com", "the renewed certificate");

        await File.WriteAllTextAsync(Path.Combine(directory!, "b.crt"), "not a certificate");
        await Until.TrueAsync(() => Task.FromResult(cluster.Process!.Output.Contains("keeping the last good certificates", StringComparison.Ordinal)), "the failed reload to be logged");
        Assert.Equal("CN=first beta.example.com", await ServedSubjectAsync(cluster, "beta.example.com"));
    }

    private static void WritePair(string directory, string name, string host, string label)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={label} {host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Key first: the reload must never pair a new certificate with the old key.
        File.WriteAllText(Path.Combine(directory, name + ".key"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(directory, name + ".crt"), certificate.ExportCertificatePem());
    }

    private static async Task<string> ServedSubjectAsync(TestCluster cluster, string serverName)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", cluster.WebPort);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName });
        return tls.RemoteCertificate!.Subject;
    }
}
