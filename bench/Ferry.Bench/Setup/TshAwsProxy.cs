using Ferry.Bench.Infrastructure;

namespace Ferry.Bench.Setup;

/// <summary>
/// A running <c>tsh proxy aws</c> and what it printed: the throwaway key pair, the local CA bundle, and in
/// HTTPS_PROXY mode the proxy URL. Disposing it sends SIGTERM, as Ctrl-C would.
/// </summary>
internal sealed class TshAwsProxy : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private TshAwsProxy(ChildProcess process, int port, bool endpointUrl, IReadOnlyDictionary<string, string> settings)
    {
        _process = process;
        Port = port;
        IsEndpointUrl = endpointUrl;
        Settings = settings;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public bool IsEndpointUrl { get; }

    /// <summary>AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_CA_BUNDLE and (HTTPS_PROXY mode) HTTPS_PROXY.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    public string EndpointUrl => $"https://localhost:{Port}";

    public static async Task<TshAwsProxy> StartAsync(string tsh, IReadOnlyDictionary<string, string?> environment, string home, bool endpointUrl, CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        string[] args = endpointUrl
            ? ["proxy", "aws", "-e", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]
            : ["proxy", "aws", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var name = endpointUrl ? "tsh proxy aws -e" : "tsh proxy aws";
        var process = ChildProcess.Start(name, tsh, args, environment, Path.Combine(home, endpointUrl ? "proxy-aws-e.log" : "proxy-aws.log"), home);
        try
        {
            var last = endpointUrl ? "AWS_CA_BUNDLE=" : "HTTPS_PROXY=";
            await process.WaitForLineAsync(line => line.Contains(last, StringComparison.Ordinal), "its settings", TimeSpan.FromSeconds(30), cancellationToken);
            var settings = process.Output.Split('\n')
                .Select(line => line.Trim())
                .Where(line => line.StartsWith("export ", StringComparison.Ordinal))
                .Select(line => line["export ".Length..].Split('=', 2))
                .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
            return new TshAwsProxy(process, port, endpointUrl, settings);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
