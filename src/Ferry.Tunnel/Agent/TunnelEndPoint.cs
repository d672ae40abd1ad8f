using System.Net;

namespace Ferry.Tunnel.Agent;

/// <summary>
/// A Kestrel endpoint that is not a socket: connections "accepted" on it are tunnels the agent dialled to
/// the proxy. Kestrel hands it to the tunnel transport (<see cref="TunnelHostingExtensions.AddTunnelTransport"/>).
/// </summary>
public sealed class TunnelEndPoint(TunnelClient client) : EndPoint
{
    public TunnelClient Client { get; } = client ?? throw new ArgumentNullException(nameof(client));

    // Kestrel's connection metrics read every endpoint's address family; EndPoint's own getter throws
    // NotImplementedException, which stops Kestrel accepting tunnels as soon as anything (our /metrics)
    // listens to its meter. A tunnel has no address family.
    public override System.Net.Sockets.AddressFamily AddressFamily => System.Net.Sockets.AddressFamily.Unspecified;

    public override string ToString() => $"tunnel to {Client.Options.ProxyUrl}";
}
