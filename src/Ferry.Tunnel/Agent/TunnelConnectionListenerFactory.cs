using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Ferry.Tunnel.Agent;

/// <summary>Kestrel's transport for <see cref="TunnelEndPoint"/>s; sockets keep serving every other endpoint.</summary>
internal sealed class TunnelConnectionListenerFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => endpoint is TunnelEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        endpoint is TunnelEndPoint tunnel
            ? ValueTask.FromResult<IConnectionListener>(tunnel.Client.Bind(tunnel))
            : throw new NotSupportedException($"The tunnel transport cannot listen on {endpoint}.");
}
