using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ferry.LocalProxy.Connect;

/// <summary>
/// Opens the upstream side of a tunnel for a non-AWS CONNECT (docs/aws-access.md §1.3a, handlers 2 and 3):
/// through tsh's own HTTPS proxy when one is set and the host is not bypassed, otherwise directly.
/// </summary>
internal sealed class TunnelDialer
{
    private readonly SystemProxySettings? _systemProxy;
    private readonly TimeSpan _timeout;

    public TunnelDialer(SystemProxySettings? systemProxy, TimeSpan timeout)
    {
        _systemProxy = systemProxy;
        _timeout = timeout;
    }

    /// <summary>The proxy to go through for this host, or null to dial directly.</summary>
    public SystemProxySettings? RouteFor(string host, int port) =>
        _systemProxy is not null && !_systemProxy.Bypasses(host, port) ? _systemProxy : null;

    /// <summary>Dials the host itself; throws when it cannot be reached in time (→ 503).</summary>
    public async Task<Socket> DialDirectAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(host, port), timeout.Token);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"connecting to {host}:{port} took longer than {_timeout.TotalSeconds:0} s");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a tunnel through the system proxy. Returns the socket and any bytes the proxy sent past its reply
    /// (they belong to the tunnel), or the reason it failed (→ 502).
    /// </summary>
    public async Task<(Socket? Socket, byte[] Leftover, string? Failure)> DialViaProxyAsync(
        SystemProxySettings proxy, string host, int port, CancellationToken cancellationToken)
    {
        Socket socket;
        try
        {
            socket = await DialDirectAsync(proxy.Proxy.Host, proxy.Proxy.Port, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return (null, [], $"cannot connect to it: {e.Message}");
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            var authority = host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
            var head = new StringBuilder().Append("CONNECT ").Append(authority).Append(" HTTP/1.1\r\nHost: ").Append(authority).Append("\r\n");
            if (!string.IsNullOrEmpty(proxy.Proxy.UserInfo))
            {
                var credentials = Uri.UnescapeDataString(proxy.Proxy.UserInfo);
                head.Append("Proxy-Authorization: Basic ").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials))).Append("\r\n");
            }

            head.Append("\r\n");
            await socket.SendAsync(Encoding.ASCII.GetBytes(head.ToString()), SocketFlags.None, timeout.Token);

            var buffer = ArrayPool<byte>.Shared.Rent(ConnectRequest.MaxHeadLength);
            try
            {
                var length = 0;
                int end;
                while ((end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (length == ConnectRequest.MaxHeadLength)
                    {
                        return Fail("its reply head is too long");
                    }

                    var read = await socket.ReceiveAsync(buffer.AsMemory(length, ConnectRequest.MaxHeadLength - length), SocketFlags.None, timeout.Token);
                    if (read == 0)
                    {
                        return Fail("it closed the connection without a reply");
                    }

                    length += read;
                }

                // "HTTP/1.1 200 Connection established"
                var statusLine = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n")[0];
                var parts = statusLine.Split(' ', 3);
                if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal)
                    || !int.TryParse(parts[1], out var status) || status is < 200 or > 299)
                {
                    return Fail($"it answered '{statusLine}'");
                }

                return (socket, buffer.AsSpan(end + 4, length - end - 4).ToArray(), null);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Fail(e is OperationCanceledException ? "it did not answer in time" : e.Message);
        }

        (Socket?, byte[], string?) Fail(string reason)
        {
            socket.Dispose();
            return (null, [], reason);
        }
    }
}
