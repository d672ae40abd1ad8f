using System.Net;
using System.Net.Sockets;

namespace Ferry.Tunnel.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay between agent and proxy that can go silent: frozen connections stay open but
/// carry nothing either way, like a network path that died without a FIN or RST. New connections pass.
/// </summary>
internal sealed class FreezableRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient Client, TcpClient Upstream, TaskCompletionSource Frozen)> _connections = [];
    private readonly Task _accepting;

    public FreezableRelay(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Connections accepted so far.</summary>
    public int Connections
    {
        get
        {
            lock (_connections)
            {
                return _connections.Count;
            }
        }
    }

    public Uri Url => new($"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Silences every connection open now.</summary>
    public void FreezeExisting()
    {
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Frozen.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var (client, upstream, _) in _connections)
            {
                client.Dispose();
                upstream.Dispose();
            }
        }

        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, _target);
            var frozen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_connections)
            {
                _connections.Add((client, upstream, frozen));
            }

            _ = PumpAsync(client.GetStream(), upstream.GetStream(), frozen.Task);
            _ = PumpAsync(upstream.GetStream(), client.GetStream(), frozen.Task);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, Task frozen)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = from.ReadAsync(buffer, _stop.Token).AsTask();
                if (await Task.WhenAny(read, frozen) == frozen)
                {
                    // Silent from now on: never forward, never close.
                    await Task.Delay(System.Threading.Timeout.Infinite, _stop.Token);
                }

                var count = await read;
                if (count == 0)
                {
                    to.Socket.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, count), _stop.Token);
            }
        }
        catch (Exception)
        {
            // The relay or one side closed; the other side learns from its own socket.
        }
    }
}
