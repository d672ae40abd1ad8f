using System.Net;
using Ferry.Core.Errors;

namespace Ferry.Teleport.Runtime;

/// <summary>Turns a host:port from teleport.yaml into an endpoint to bind.</summary>
internal static class ListenAddress
{
    public static IPEndPoint Parse(string address, string key)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address[(colon + 1)..], out var port) || port is < 0 or > 65535)
        {
            throw FerryException.BadParameter($"{key}: \"{address}\" is not host:port");
        }

        var host = address[..colon].Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        if (IPAddress.TryParse(host, out var ip))
        {
            return new IPEndPoint(ip, port);
        }

        try
        {
            var resolved = Dns.GetHostAddresses(host).FirstOrDefault()
                ?? throw FerryException.BadParameter($"{key}: host \"{host}\" has no address");
            return new IPEndPoint(resolved, port);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw FerryException.BadParameter($"{key}: cannot resolve host \"{host}\": {e.Message}");
        }
    }

    public static string HostOf(string address)
    {
        var colon = address.LastIndexOf(':');
        return (colon > 0 ? address[..colon] : address).Trim('[', ']');
    }
}
