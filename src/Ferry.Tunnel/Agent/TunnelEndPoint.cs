using System.Net;

namespace Ferry.Tunnel.Agent;

/// <summary>
/// A Kestrel endpoint that is not a socket: connections "accepted" on it are tunnels the agent dialled to
/// the proxy. Kestrel hands it to the tunnel transport (<see cref="TunnelHostingExtensions.AddTunnelTransport"/>).
/// </summary>
public sealed class TunnelEndPoint(TunnelClient client) : EndPoint
{
    public TunnelClient Client { get; } = client ?? throw new ArgumentNullException(nameof(client));

    public override string ToString() => $"tunnel to {Client.Options.ProxyUrl}";
}
