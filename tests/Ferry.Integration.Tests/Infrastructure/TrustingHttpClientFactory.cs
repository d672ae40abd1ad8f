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
    /// <summary>When set, the body of each PUT is changed at (offset, XOR mask) on its way out: a man in the middle of the client.</summary>
    public (long Offset, byte Mask)? TamperPut { get; set; }

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
        return new HttpClient(new Recorder(handler, this));
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;

    private sealed class Recorder(HttpMessageHandler inner, TrustingHttpClientFactory factory) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var hash = request.Headers.TryGetValues("X-Amz-Content-Sha256", out var values) ? values.FirstOrDefault() : null;
            factory.Sent.Enqueue((request.Method.Method, request.RequestUri!.AbsolutePath, hash));
            if (factory.TamperPut is { } tamper && request.Method == HttpMethod.Put && request.Content is { } original)
            {
                var tampered = new StreamContent(new TamperingStream(await original.ReadAsStreamAsync(cancellationToken), tamper.Offset, tamper.Mask));
                foreach (var (name, headerValues) in original.Headers)
                {
                    tampered.Headers.TryAddWithoutValidation(name, headerValues);
                }

                request.Content = tampered;
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>The body as the SDK wrote it, with one byte XORed.</summary>
    private sealed class TamperingStream(Stream inner, long offset, byte mask) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int start, int count) => ReadAsync(buffer.AsMemory(start, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            if (offset >= _position && offset < _position + read)
            {
                buffer.Span[(int)(offset - _position)] ^= mask;
            }

            _position += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
