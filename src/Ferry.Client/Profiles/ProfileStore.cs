using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Errors;
using Ferry.Core.IO;

namespace Ferry.Client.Profiles;

/// <summary>
/// tsh's home ($TELEPORT_HOME or ~/.tsh), laid out like Teleport's so the files are where people look:
/// <code>
/// current-profile                               proxy host of the active profile
/// &lt;proxy&gt;.yaml                                  profile
/// keys/&lt;proxy&gt;/&lt;user&gt;                          private key (0600, generated here, never sent)
/// keys/&lt;proxy&gt;/&lt;user&gt;-x509.pem                 user certificate
/// keys/&lt;proxy&gt;/cas/&lt;cluster&gt;.pem              host CA then user CA
/// keys/&lt;proxy&gt;/&lt;user&gt;-app/&lt;cluster&gt;/&lt;app&gt;-x509.pem     app certificate
/// keys/&lt;proxy&gt;/&lt;user&gt;-app/&lt;cluster&gt;/&lt;app&gt;-localca.pem   local proxy CA (0600)
/// </code>
/// </summary>
public sealed class ProfileStore
{
    public ProfileStore(string home)
    {
        Home = home;
    }

    public string Home { get; }

    public static ProfileStore Default()
    {
        var home = Environment.GetEnvironmentVariable("TELEPORT_HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".tsh");
        }

        return new ProfileStore(home);
    }

    public string KeysDirectory(Profile profile) => Path.Combine(Home, "keys", profile.ProxyHost);
    public string KeyPath(Profile profile) => Path.Combine(KeysDirectory(profile), profile.Username);
    public string CertificatePath(Profile profile) => Path.Combine(KeysDirectory(profile), profile.Username + "-x509.pem");
    public string CasPath(Profile profile) => Path.Combine(KeysDirectory(profile), "cas", profile.ClusterName + ".pem");
    public string AppDirectory(Profile profile) => Path.Combine(KeysDirectory(profile), profile.Username + "-app", profile.ClusterName);
    public string AppCertificatePath(Profile profile, string app) => Path.Combine(AppDirectory(profile), app + "-x509.pem");
    public string AppLocalCaPath(Profile profile, string app) => Path.Combine(AppDirectory(profile), app + "-localca.pem");

    public string AppLoginPath(Profile profile, string app) => Path.Combine(AppDirectory(profile), app + ".json");

    public void SaveAppLogin(Profile profile, AppLogin login, string certificatePem)
    {
        SecureFile.WriteAllText(AppCertificatePath(profile, login.AppName), certificatePem);
        SecureFile.WriteAllText(AppLoginPath(profile, login.AppName), System.Text.Json.JsonSerializer.Serialize(login, ProfileJsonContext.Default.AppLogin));
    }

    public IReadOnlyList<AppLogin> AppLogins(Profile profile)
    {
        var directory = AppDirectory(profile);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.GetFiles(directory, "*.json")
            .Select(path => System.Text.Json.JsonSerializer.Deserialize(File.ReadAllText(path), ProfileJsonContext.Default.AppLogin))
            .Where(login => login is not null)
            .Select(login => login!)
            .OrderBy(login => login.AppName, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Deletes an app's certificate, login record and local CA.</summary>
    public void RemoveAppLogin(Profile profile, string app)
    {
        File.Delete(AppCertificatePath(profile, app));
        File.Delete(AppLoginPath(profile, app));
        File.Delete(AppLocalCaPath(profile, app));
    }

    public Profile? Current()
    {
        var pointer = Path.Combine(Home, "current-profile");
        if (!File.Exists(pointer))
        {
            return null;
        }

        var host = File.ReadAllText(pointer).Trim();
        var path = Path.Combine(Home, host + ".yaml");
        if (host.Length == 0 || !File.Exists(path))
        {
            return null;
        }

        var stored = FlatYaml.Read(File.ReadAllText(path));
        return stored.TryGetValue("web_proxy_addr", out var proxy) && stored.TryGetValue("user", out var user) && stored.TryGetValue("cluster", out var cluster)
            ? new Profile { ProxyAddress = proxy, Username = user, ClusterName = cluster }
            : null;
    }

    public Profile RequireCurrent() =>
        Current() ?? throw FerryException.AccessDenied("not logged in; run: tsh login --proxy=HOST:PORT --user=NAME");

    /// <summary>Saves a fresh login: key, certificate, CAs, profile; then makes it current.</summary>
    public void Save(Profile profile, ECDsa key, string certificatePem, string hostCaPem, string userCaPem)
    {
        SecureFile.CreatePrivateDirectory(Home);
        SecureFile.WriteAllText(KeyPath(profile), key.ExportPkcs8PrivateKeyPem());
        SecureFile.WriteAllText(KeyPath(profile) + ".pub", key.ExportSubjectPublicKeyInfoPem());
        SecureFile.WriteAllText(CertificatePath(profile), certificatePem);
        SecureFile.WriteAllText(CasPath(profile), hostCaPem.Trim() + "\n" + userCaPem.Trim() + "\n");
        SecureFile.WriteAllText(Path.Combine(Home, profile.ProxyHost + ".yaml"), FlatYaml.Write(
        [
            ("web_proxy_addr", profile.ProxyAddress),
            ("user", profile.Username),
            ("cluster", profile.ClusterName),
        ]));
        SecureFile.WriteAllText(Path.Combine(Home, "current-profile"), profile.ProxyHost + "\n");
    }

    /// <summary>Removes everything of one profile (keys, certificates, app certificates, local CAs).</summary>
    public void Remove(Profile profile)
    {
        var keys = KeysDirectory(profile);
        if (Directory.Exists(keys))
        {
            Directory.Delete(keys, recursive: true);
        }

        File.Delete(Path.Combine(Home, profile.ProxyHost + ".yaml"));
        var pointer = Path.Combine(Home, "current-profile");
        if (File.Exists(pointer) && File.ReadAllText(pointer).Trim() == profile.ProxyHost)
        {
            File.Delete(pointer);
        }
    }

    public ECDsa LoadKey(Profile profile)
    {
        var path = KeyPath(profile);
        if (!File.Exists(path))
        {
            throw FerryException.AccessDenied($"the key for {profile.Username}@{profile.ProxyAddress} is missing; run tsh login again");
        }

        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }

    /// <summary>The user certificate with its private key, ready for mTLS.</summary>
    public X509Certificate2 LoadUserCertificate(Profile profile) => LoadCertificate(profile, CertificatePath(profile));

    public X509Certificate2 LoadCertificate(Profile profile, string path)
    {
        if (!File.Exists(path))
        {
            throw FerryException.AccessDenied($"no certificate at {path}; run tsh login again");
        }

        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        using var key = LoadKey(profile);
        try
        {
            return certificate.CopyWithPrivateKey(key);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            // A certificate from before the last tsh login, which made a new key.
            throw FerryException.AccessDenied(
                $"the certificate at {path} was issued for an earlier key of yours (you have logged in again since); " +
                (path == CertificatePath(profile) ? "run tsh login again" : $"run tsh apps login {Path.GetFileName(path).Replace("-x509.pem", "", StringComparison.Ordinal)} again"));
        }
    }

    public (X509Certificate2 HostCa, X509Certificate2 UserCa) LoadCas(Profile profile)
    {
        var path = CasPath(profile);
        if (!File.Exists(path))
        {
            throw FerryException.AccessDenied($"the cluster CAs are missing from {path}; run tsh login again");
        }

        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(File.ReadAllText(path));
        return (collection[0], collection[1]);
    }
}
