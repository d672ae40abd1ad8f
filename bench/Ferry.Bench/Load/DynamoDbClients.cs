using System.Net;
using System.Security.Cryptography.X509Certificates;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Ferry.Bench.Setup;

namespace Ferry.Bench.Load;

/// <summary>
/// The one client set-up every path shares (same SDK, same config, no retries, endpoint variables ignored); only
/// where it connects, what it trusts and which key it signs with differ. Each client owns its handler.
/// </summary>
internal sealed class DynamoDbClients : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    /// <summary>Straight to the upstream over plain HTTP with the role's own session credentials.</summary>
    public AmazonDynamoDBClient Direct(string serviceUrl, AWSCredentials credentials) =>
        Create(new SocketsHttpHandler { UseProxy = false }, credentials, serviceUrl);

    /// <summary>Endpoint-URL mode: https://localhost:PORT, trusting only the local CA tsh printed, with its throwaway key.</summary>
    public AmazonDynamoDBClient ThroughEndpointUrl(TshAwsProxy proxy)
    {
        var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.RemoteCertificateValidationCallback = new CaTrust(proxy.Settings["AWS_CA_BUNDLE"]).Validate;
        return Create(handler, ThrowawayKey(proxy), proxy.EndpointUrl);
    }

    /// <summary>HTTPS_PROXY mode: the SDK's own AWS endpoint, CONNECT through the printed proxy, trusting only the local CA.</summary>
    public AmazonDynamoDBClient ThroughHttpsProxy(TshAwsProxy proxy)
    {
        var handler = new SocketsHttpHandler { UseProxy = true, Proxy = new WebProxy(proxy.Settings["HTTPS_PROXY"]) };
        handler.SslOptions.RemoteCertificateValidationCallback = new CaTrust(proxy.Settings["AWS_CA_BUNDLE"]).Validate;
        return Create(handler, ThrowawayKey(proxy), serviceUrl: null);
    }

    /// <summary>
    /// Diagnostic hop, skipping tsh: straight to the Ferry proxy with the app certificate as client certificate,
    /// trusting the cluster CA. The agent re-signs anyway, so any key signs.
    /// </summary>
    public AmazonDynamoDBClient StraightToFerryProxy(TshUser user)
    {
        var (certificatePath, keyPath) = user.AppCertificateFiles();
        var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        _owned.Add(certificate);
        var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.ClientCertificates = [certificate];
        handler.SslOptions.RemoteCertificateValidationCallback = new CaTrust(user.ClusterCaFile()).Validate;
        return Create(handler, new BasicAWSCredentials("AKIDFERRYBENCHHOP", "not-checked-by-the-proxy"), $"https://{user.ProxyAddress}");
    }

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
    }

    private static BasicAWSCredentials ThrowawayKey(TshAwsProxy proxy) =>
        new(proxy.Settings["AWS_ACCESS_KEY_ID"], proxy.Settings["AWS_SECRET_ACCESS_KEY"]);

    private AmazonDynamoDBClient Create(SocketsHttpHandler handler, AWSCredentials credentials, string? serviceUrl)
    {
        handler.PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5);
        handler.MaxConnectionsPerServer = int.MaxValue;
        _owned.Add(handler);
        var config = new AmazonDynamoDBConfig
        {
            AuthenticationRegion = AwsSandbox.Region,
            IgnoreConfiguredEndpointUrls = true,
            AccountIdEndpointMode = AccountIdEndpointMode.DISABLED,
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(30),
            HttpClientFactory = new HandlerHttpClientFactory(handler),
        };
        if (serviceUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.USEast1;
        }
        else
        {
            config.ServiceURL = serviceUrl;
        }

        var client = new AmazonDynamoDBClient(credentials, config);
        _owned.Add(client);
        return client;
    }
}
