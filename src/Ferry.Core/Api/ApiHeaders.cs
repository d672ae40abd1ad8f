namespace Ferry.Core.Api;

/// <summary>Headers with a meaning inside the cluster. Clients can never set them: the proxy strips them from outside traffic.</summary>
public static class ApiHeaders
{
    /// <summary>Proxy → auth/agent: the caller's verified client certificate (base64 DER), re-verified by the receiver.</summary>
    public const string ForwardedCertificate = "X-Ferry-Forwarded-Cert";

    /// <summary>Proxy → auth: the caller's address as the proxy saw it.</summary>
    public const string ForwardedFor = "X-Forwarded-For";
}
