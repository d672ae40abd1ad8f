using Ferry.Aws.SigV4;
using Microsoft.AspNetCore.Http;

namespace Ferry.Hosting;

/// <summary>The SigV4 signature a request claims, in its Authorization header or as a presigned query, read one way by every hop.</summary>
public static class RequestSignatures
{
    /// <summary>The parsed signature, or null with <paramref name="unsigned"/> saying why (none at all, or malformed).</summary>
    public static SigV4RequestSignature? Parse(HttpContext context, out SigV4VerificationResult? unsigned)
    {
        SigV4RequestSignature.TryParse(Request(context), out var signature, out unsigned);
        return signature;
    }

    /// <summary>The request as <see cref="SigV4RequestSignature.TryParse"/> reads it: the Authorization and X-Amz-Date headers and the raw query.</summary>
    private static SigV4Request Request(HttpContext context)
    {
        var (path, query) = RequestTarget.Raw(context);
        var headers = new List<KeyValuePair<string, string>>(2);
        foreach (var name in (ReadOnlySpan<string>)[SigV4Constants.AuthorizationHeader, SigV4Constants.AmzDateHeader])
        {
            foreach (var value in context.Request.Headers[name])
            {
                headers.Add(new(name, value ?? string.Empty));
            }
        }

        return new SigV4Request(context.Request.Method, context.Request.Host.Value ?? string.Empty, path, query, headers);
    }
}
