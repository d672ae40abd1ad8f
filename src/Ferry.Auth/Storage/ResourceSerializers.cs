using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Auth.Storage;

/// <summary>Stores every resource kind in the same JSON the API speaks (Ferry.Core's ResourceJson).</summary>
internal static class ResourceSerializers
{
    public static readonly ResourceSerializer<Role> Role = new(
        r => r.Name,
        r => ResourceJson.SerializeToUtf8Bytes(r),
        b => ResourceJson.Deserialize<Role>(b.Span),
        r => r.Metadata.Expires,
        (r, rev) => r with { Metadata = r.Metadata with { Revision = rev } });

    public static readonly ResourceSerializer<User> User = new(
        u => u.Name,
        u => ResourceJson.SerializeToUtf8Bytes(u),
        b => ResourceJson.Deserialize<User>(b.Span),
        u => u.Metadata.Expires,
        (u, rev) => u with { Metadata = u.Metadata with { Revision = rev } });

    public static readonly ResourceSerializer<ProvisionToken> Token = new(
        t => t.Name,
        t => ResourceJson.SerializeToUtf8Bytes(t),
        b => ResourceJson.Deserialize<ProvisionToken>(b.Span),
        t => t.Metadata.Expires,
        (t, rev) => t with { Metadata = t.Metadata with { Revision = rev } });

    /// <summary>App servers are keyed by app and host, so several agents can serve one app.</summary>
    public static readonly ResourceSerializer<AppServer> AppServer = new(
        s => s.Spec.App.Name + "/" + s.Spec.HostId,
        s => ResourceJson.SerializeToUtf8Bytes(s),
        b => ResourceJson.Deserialize<AppServer>(b.Span),
        s => s.Metadata.Expires,
        (s, rev) => s with { Metadata = s.Metadata with { Revision = rev } });
}
