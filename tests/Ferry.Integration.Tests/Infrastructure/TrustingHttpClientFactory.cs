using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;

namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>
/// HTTP for the AWS SDK for .NET through <c>tsh proxy aws</c>: trusts the local CA it printed (as AWS_CA_BUNDLE does
/// for Python clients), goes through its HTTPS_PROXY when given one, and records the X-Amz-Content-Sha256 of each
/// request so a test can show which signing mode the SDK chose.
/// </summary>
internal sealed class TrustingHttpClientFactory(X509Certificate2 ca, Uri? proxy = null) : HttpClientFactory
{
    /// <summary>(method, path, X-Amz-Content-Sha256) of every request the SDK sent.</summary>
    public ConcurrentQueue<(string Method, string Path, string? PayloadHash)> Sent { get; } = new();

    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var handler = new SocketsHttpHandler { UseProxy = proxy is not null, Proxy = proxy is null ? null : new WebProxy(proxy) };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && chain.Build(new X509Certificate2(certificate));
        };
        return new HttpClient(new Recorder(handler, Sent));
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;

    private sealed class Recorder(HttpMessageHandler inner, ConcurrentQueue<(string, string, string?)> sent) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var hash = request.Headers.TryGetValues("X-Amz-Content-Sha256", out var values) ? values.FirstOrDefault() : null;
            sent.Enqueue((request.Method.Method, request.RequestUri!.AbsolutePath, hash));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
