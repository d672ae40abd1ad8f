using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ferry.LocalProxy.Tests.Infrastructure;

/// <summary>
/// A stand-in for a corporate HTTPS proxy on 127.0.0.1: records each CONNECT head, answers with
/// <see cref="StatusLine"/>, and after a 2xx echoes the tunnel's bytes back.
/// </summary>
internal sealed class FakeSystemProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _heads = new();

    public FakeSystemProxy(string statusLine)
    {
        StatusLine = statusLine;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    public string StatusLine { get; }

    public int Port { get; }

    public IReadOnlyList<string> Heads => _heads.ToArray();

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                _ = ServeAsync(await _listener.AcceptTcpClientAsync(_stop.Token));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = new List<byte>();
                var one = new byte[1];
                while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
                {
                    if (await stream.ReadAsync(one, _stop.Token) == 0)
                    {
                        return;
                    }

                    head.Add(one[0]);
                }

                _heads.Enqueue(Encoding.ASCII.GetString(head.ToArray()));
                await stream.WriteAsync(Encoding.ASCII.GetBytes(StatusLine + "\r\nContent-Length: 0\r\n\r\n"), _stop.Token);
                if (StatusLine.Split(' ')[1].StartsWith('2'))
                {
                    await stream.CopyToAsync(stream, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Dispose();
    }
}
