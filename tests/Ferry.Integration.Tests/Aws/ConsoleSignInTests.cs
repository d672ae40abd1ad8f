using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Web;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>
/// The agent's AWS console sign-in at the HTTP level (the browser walk-through is in Ferry.Web.Tests): a request
/// with an app certificate that is not SigV4-signed is turned into a federated console login as the session's
/// role, checked by the federation stand-in against moto.
/// </summary>
public sealed class ConsoleSignInTests : IClassFixture<AwsClusterFixture>
{
    private readonly AwsCluster _aws;

    public ConsoleSignInTests(AwsClusterFixture fixture)
    {
        _aws = fixture.Aws;
    }

    [Fact]
    public async Task UnsignedRequestWithAnAppCertificate_RedirectsToTheConsoleSignedInAsTheRoleAndUser()
    {
        await _aws.AddLoggedInUserAsync("vera", "access,aws-dynamodb-access");
        using var certificate = AppCertificate("vera");
        using var http = new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            ClientCertificates = { certificate },
            ClientCertificateOptions = ClientCertificateOption.Manual,
            ServerCertificateCustomValidationCallback = (_, _, _, _) => true,
        });

        using var response = await http.GetAsync($"https://{_aws.Cluster.ProxyAddress}/");

        Assert.True(response.StatusCode == HttpStatusCode.Found, $"{response.StatusCode}: {string.Join(" ", response.Headers.TryGetValues("X-Teleport-Api-Error", out var detail) ? detail : [])}\n{_aws.Agent!.Output}");
        var location = response.Headers.Location!;
        Assert.StartsWith(_aws.Federation.BaseUrl + "/federation?", location.AbsoluteUri);
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("login", query["Action"]);
        Assert.Equal(AwsCluster.AppUri, query["Destination"]);
        Assert.Equal($"https://aws-dynamodb.127.0.0.1:{_aws.Cluster.WebPort}", query["Issuer"]); // where the app is served, port included

        var grant = _aws.Federation.Grants.Last();
        Assert.Equal("arn:aws:sts::123456789000:assumed-role/ExampleTeleportDynamoDBRole/vera", grant.Arn);
        // The agent's own credentials are long-lived (an IAM user's keys): the session lasts the identity's remaining TTL, at most 12 h.
        Assert.InRange(grant.SessionDurationSeconds ?? 0, 11 * 3600, 12 * 3600);

        using var plain = new HttpClient();
        var page = await plain.GetStringAsync(location);
        Assert.Contains("Federated user: arn:aws:sts::123456789000:assumed-role/ExampleTeleportDynamoDBRole/vera", page);
    }

    [Fact]
    public async Task ShortIdentity_IsRefusedAConsoleSession()
    {
        await _aws.Cluster.AddUserAsync("walt", "access,aws-dynamodb-access", AwsCluster.Password);
        (await _aws.Cluster.TshAsync("walt", ["login", "--proxy=" + _aws.Cluster.ProxyAddress, "--user=walt", "--insecure", "--ttl=10m"], AwsCluster.Password + "\n")).EnsureSuccess("login");
        (await _aws.Cluster.TshAsync("walt", ["apps", "login", AwsCluster.AppName])).EnsureSuccess("apps login");
        using var certificate = AppCertificate("walt");
        using var http = new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            ClientCertificates = { certificate },
            ClientCertificateOptions = ClientCertificateOption.Manual,
            ServerCertificateCustomValidationCallback = (_, _, _, _) => true,
        });

        using var response = await http.GetAsync($"https://{_aws.Cluster.ProxyAddress}/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("minimum AWS session duration is 15m0s", string.Join(" ", response.Headers.GetValues("X-Teleport-Api-Error")));
    }

    private X509Certificate2 AppCertificate(string user)
    {
        var keys = Path.Combine(_aws.Cluster.HomeOf(user), ".tsh", "keys", "127.0.0.1");
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(keys, user + "-app", "ferry.test", AwsCluster.AppName + "-x509.pem")));
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(keys, user)));
        return certificate.CopyWithPrivateKey(key);
    }
}
