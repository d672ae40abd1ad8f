using System.Globalization;
using System.Text;

namespace Ferry.Aws.SigV4;

/// <summary>
/// Re-signs a verified client request with real (STS) credentials for the upstream AWS call, as the
/// reference agent does (docs/aws-access.md §1.8, §1.10):
/// <list type="number">
/// <item>set aside every header the client did not sign (X-Forwarded-*, User-Agent, …);</item>
/// <item>sign the rest at <see cref="TimeProvider"/> now with the new credentials, adding X-Amz-Date,
/// X-Amz-Security-Token and Host = the upstream authority, with the region and service of the client's scope,
/// S3's single path encoding and the payload hash of §1.4 (UNSIGNED-PAYLOAD kept, otherwise SHA-256 of the body;
/// X-Amz-Content-Sha256 is signed only when the client sent it: the .NET SDK always does, the CLI does not);</item>
/// <item>restore the set-aside headers, except Authorization.</item>
/// </list>
/// Thread-safe; the derived signing key is cached per (secret, date, region, service).
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
/// </summary>
public sealed class SigV4Resigner
{
    private readonly TimeProvider _time;
    private readonly SigningKeyCache _keys;

    public SigV4Resigner(TimeProvider? timeProvider = null)
        : this(timeProvider ?? TimeProvider.System, SigningKeyCache.Shared)
    {
    }

    internal SigV4Resigner(TimeProvider timeProvider, SigningKeyCache keys)
    {
        _time = timeProvider;
        _keys = keys;
    }

    /// <param name="outgoing">The request as it will be sent: its <see cref="SigV4Request.Authority"/> is the
    /// upstream host[:port] (the signing host), its headers those received from the client.</param>
    /// <param name="payload">The body, or its precomputed hash.</param>
    /// <param name="originallySignedHeaders">The client's SignedHeaders (lower-case).</param>
    public SigV4SignedRequest Resign(
        SigV4Request outgoing, SigV4Payload payload, IReadOnlyList<string> originallySignedHeaders, string region, string service, AwsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        ArgumentNullException.ThrowIfNull(originallySignedHeaders);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentNullException.ThrowIfNull(credentials);

        var contentSha256 = outgoing.GetHeader(SigV4Constants.AmzContentSha256Header);
        var payloadHash = payload.Resolve(contentSha256);
        var now = _time.GetUtcNow().UtcDateTime;
        var amzDate = now.ToString(SigV4Constants.AmzDateFormat, CultureInfo.InvariantCulture);
        var date = amzDate[..8];

        // 1. Split the headers into the ones to sign and the ones to restore afterwards.
        var signed = new List<(string Lower, string Name, string Value)>(outgoing.Headers.Count + 4)
        {
            ("host", SigV4Constants.HostHeader, outgoing.Authority),
            ("x-amz-date", SigV4Constants.AmzDateHeader, amzDate),
        };
        if (credentials.SessionToken is not null)
        {
            signed.Add(("x-amz-security-token", SigV4Constants.AmzSecurityTokenHeader, credentials.SessionToken));
        }

        if (contentSha256 is not null)
        {
            signed.Add(("x-amz-content-sha256", SigV4Constants.AmzContentSha256Header, payloadHash));
        }

        var restored = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < outgoing.Headers.Count; i++)
        {
            var (name, value) = outgoing.Headers[i];
            var lower = name.ToLowerInvariant();
            if (IsReplaced(lower))
            {
                continue;
            }

            if (Contains(originallySignedHeaders, lower) && !NeverSigned(lower))
            {
                signed.Add((lower, name, value));
            }
            else
            {
                restored.Add(new(name, value));
            }
        }

        // Stable insertion sort by lower-case name keeps the values of a repeated header in order.
        for (var i = 1; i < signed.Count; i++)
        {
            var item = signed[i];
            var j = i - 1;
            while (j >= 0 && string.CompareOrdinal(signed[j].Lower, item.Lower) > 0)
            {
                signed[j + 1] = signed[j];
                j--;
            }

            signed[j + 1] = item;
        }

        // 2. The canonical request and the signature.
        var canonical = StringBuilderCache.Acquire(1);
        canonical.Append(outgoing.Method).Append('\n');
        CanonicalRequest.AppendUri(canonical, outgoing.RawPath, CanonicalRequest.DefaultPathForm(service), CanonicalRequest.IsS3(service));
        canonical.Append('\n');
        CanonicalRequest.AppendQuery(canonical, outgoing.RawQuery, CanonicalRequest.QueryForm.Reencoded);
        canonical.Append('\n');
        var signedHeaders = StringBuilderCache.Acquire(2, 128);
        for (var i = 0; i < signed.Count; i++)
        {
            var lower = signed[i].Lower;
            if (i > 0 && signed[i - 1].Lower == lower)
            {
                canonical.Length--; // replace the previous value's newline: values of one header join with ','
                canonical.Append(',');
            }
            else
            {
                if (signedHeaders.Length > 0)
                {
                    signedHeaders.Append(';');
                }

                signedHeaders.Append(lower);
                canonical.Append(lower).Append(':');
            }

            CanonicalRequest.AppendTrimmed(canonical, signed[i].Value);
            canonical.Append('\n');
        }

        var signedHeadersText = signedHeaders.ToString();
        StringBuilderCache.Release(2, signedHeaders);
        canonical.Append('\n').Append(signedHeadersText).Append('\n').Append(payloadHash);

        var scope = $"{date}/{region}/{service}/{SigV4Constants.Terminator}";
        var key = _keys.Get(credentials.SecretAccessKey, date, region, service);
        Span<byte> signature = stackalloc byte[SigV4Signature.HexLength];
        SigV4Signature.Compute(key, amzDate, scope, canonical, signature);
        StringBuilderCache.Release(1, canonical);
        var signatureText = Encoding.ASCII.GetString(signature);
        var authorization = string.Create(CultureInfo.InvariantCulture,
            $"{SigV4Constants.Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeadersText}, Signature={signatureText}");

        // 3. Signed headers, Authorization, then the restored ones (never the client's Authorization).
        var headers = new List<KeyValuePair<string, string>>(signed.Count + restored.Count + 1);
        foreach (var (_, name, value) in signed)
        {
            headers.Add(new(name, value));
        }

        headers.Add(new(SigV4Constants.AuthorizationHeader, authorization));
        headers.AddRange(restored);
        return new SigV4SignedRequest(headers, authorization, amzDate, signedHeadersText, payloadHash, signatureText);
    }

    // Headers this signer sets itself; the client's values are dropped, not restored.
    private static bool IsReplaced(string lower) =>
        lower is "authorization" or "host" or "x-amz-date" or "x-amz-security-token" or "x-amz-content-sha256";

    // Headers that are never signed even if the client did: proxies rewrite them (user-agent, docs/aws-access.md §1.4 step 3.2)
    // or they are hop-by-hop (RFC 9110 §7.6.1) and do not reach AWS as sent. They are restored unsigned.
    private static bool NeverSigned(string lower) =>
        lower is "user-agent" or "x-amzn-trace-id" or "expect" or "connection" or "keep-alive" or "proxy-connection"
            or "transfer-encoding" or "te" or "trailer" or "upgrade";

    private static bool Contains(IReadOnlyList<string> names, string lower)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], lower, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
