using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Errors;
using Ferry.Core.IO;

namespace Ferry.Core.Identity;

/// <summary>
/// A key pair with its certificate and the cluster CAs, stored as one PEM file (0600): how hosts keep the
/// identity they got at join, and how the auth server hands `tctl` its local admin identity.
/// </summary>
public sealed class IdentityFile
{
    public required X509Certificate2 Certificate { get; init; }
    public required string HostCaPem { get; init; }
    public required string UserCaPem { get; init; }

    public FerryIdentity Identity => IdentityCodec.Decode(Certificate);

    public static IdentityFile Create(ECDsa key, X509Certificate2 certificate, string hostCaPem, string userCaPem) => new()
    {
        Certificate = certificate.HasPrivateKey ? certificate : certificate.CopyWithPrivateKey(key),
        HostCaPem = hostCaPem,
        UserCaPem = userCaPem,
    };

    public void Save(string path)
    {
        var key = Certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("identity certificate has no ECDSA private key");
        var text = key.ExportPkcs8PrivateKeyPem() + "\n" + Certificate.ExportCertificatePem() + "\n" +
            "# host CA\n" + HostCaPem.Trim() + "\n" + "# user CA\n" + UserCaPem.Trim() + "\n";
        SecureFile.WriteAllText(path, text);
    }

    public static IdentityFile Load(string path)
    {
        if (!File.Exists(path))
        {
            throw FerryException.NotFound($"identity file {path} does not exist");
        }

        var text = File.ReadAllText(path);
        var certificates = PemBlocks(text, "CERTIFICATE");
        if (certificates.Count != 3)
        {
            throw FerryException.BadParameter($"identity file {path} is damaged (expected a key and three certificates); remove it and join again");
        }

        var key = ECDsa.Create(); // owned by the certificate copy below
        key.ImportFromPem(text);
        using var certificate = X509Certificate2.CreateFromPem(certificates[0]);
        return new IdentityFile
        {
            Certificate = certificate.CopyWithPrivateKey(key),
            HostCaPem = certificates[1],
            UserCaPem = certificates[2],
        };
    }

    public X509Certificate2 HostCa() => X509Certificate2.CreateFromPem(HostCaPem);

    public X509Certificate2 UserCa() => X509Certificate2.CreateFromPem(UserCaPem);

    internal static List<string> PemBlocks(string text, string label)
    {
        var result = new List<string>();
        var begin = $"-----BEGIN {label}-----";
        var end = $"-----END {label}-----";
        var index = 0;
        while ((index = text.IndexOf(begin, index, StringComparison.Ordinal)) >= 0)
        {
            var stop = text.IndexOf(end, index, StringComparison.Ordinal);
            if (stop < 0)
            {
                break;
            }

            result.Add(text[index..(stop + end.Length)]);
            index = stop + end.Length;
        }

        return result;
    }
}
