using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ferry.Aws;
using Ferry.Client.Profiles;
using Ferry.Core.Errors;
using Ferry.Core.Security;
using Ferry.LocalProxy;
using Ferry.Tsh.Commands;

namespace Ferry.Tsh.Resident;

/// <summary>
/// One local AWS proxy per app login and mode that every <c>tsh aws</c> reuses (docs/aws-access.md §2.4): the first run
/// starts it as a detached <c>tsh aws-resident</c> process, later runs find it through its 0600 state file and only
/// start the aws CLI. Starting a proxy per command (keys, a TLS host, the mTLS handshake to the Ferry proxy and the
/// code's first run) cost ~0.5 s of every command; a warm resident costs a file read and a loopback connect.
/// It stops when its app certificate expires, at <c>tsh apps logout</c> / <c>tsh logout</c>, and when its state file
/// is removed or taken over by a successor (a new <c>tsh apps login</c> gives a new certificate).
/// </summary>
internal static class ResidentAwsProxy
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A resident this close to its certificate's expiry is not handed out; the next one fails with the expiry message.</summary>
    private static readonly TimeSpan MinimumRemaining = TimeSpan.FromSeconds(30);

    public static string ModeName(AwsLocalProxyMode mode) => mode == AwsLocalProxyMode.EndpointUrl ? "endpoint-url" : "https-proxy";

    public static string StatePath(ProfileStore store, Profile profile, string app, AwsLocalProxyMode mode) =>
        Path.Combine(store.AppDirectory(profile), $"{app}-aws-proxy.{ModeName(mode)}.state");

    /// <summary>The environment for an AWS client of the running resident (started first when there is none usable).</summary>
    public static async Task<ResidentProxyState> AcquireAsync(TshContext context, Profile profile, AppLogin login, AwsLocalProxyMode mode, CancellationToken cancellationToken)
    {
        var store = context.Store;
        var certificatePath = store.AppCertificatePath(profile, login.AppName);
        if (login.AwsRoleArn is null || !File.Exists(certificatePath))
        {
            AwsProxyLauncher.LoadAppCertificate(store, profile, login).Dispose(); // throws the message that says what to do
        }

        var certificateHash = ResidentProxyState.HashFile(certificatePath);
        var path = StatePath(store, profile, login.AppName, mode);
        if (await UsableAsync(ResidentProxyState.Read(path), certificateHash, cancellationToken) is { } running)
        {
            return running;
        }

        // One starter at a time: two tsh aws runs at once must not start two residents for the same file.
        using var starting = await LockAsync(path + ".lock", cancellationToken);
        var current = ResidentProxyState.Read(path);
        if (await UsableAsync(current, certificateHash, cancellationToken) is { } started)
        {
            return started;
        }

        Stop(path);
        AwsProxyLauncher.LoadAppCertificate(store, profile, login).Dispose(); // an expired certificate is reported here, not by the child
        return await StartAsync(login.AppName, mode, path, cancellationToken);
    }

    public static IReadOnlyDictionary<string, string> Environment(ResidentProxyState state, AwsLocalProxyMode mode) =>
        AwsLocalProxy.EnvironmentFor(mode, state.Port, new AwsCredentials(state.AccessKeyId, state.SecretAccessKey), state.CaBundlePath);

    /// <summary>Stops the residents of one app (both modes), or of every app of the profile.</summary>
    public static void StopAll(ProfileStore store, Profile profile, string? app = null)
    {
        var directory = store.AppDirectory(profile);
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var path in Directory.GetFiles(directory, (app ?? "*") + "-aws-proxy.*.state"))
        {
            Stop(path);
        }
    }

    /// <summary>Removes the state file (the resident's lease) and sends its process SIGTERM, if it is still ours.</summary>
    private static void Stop(string path)
    {
        var state = ResidentProxyState.Read(path);
        File.Delete(path);
        if (state is not null && IsResident(state.Pid))
        {
            Posix.Terminate(state.Pid);
        }
    }

    private static async Task<ResidentProxyState?> UsableAsync(ResidentProxyState? state, string certificateHash, CancellationToken cancellationToken)
    {
        if (state is null || state.CertificateSha256 != certificateHash || state.Expires <= DateTimeOffset.UtcNow + MinimumRemaining
            || !PinnedCredentialsMatch(state) || !IsResident(state.Pid))
        {
            return null;
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, state.Port), timeout.Token);
            return state;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>TELEPORT_AWS_ACCESS_KEY_ID / _SECRET_ACCESS_KEY pin the throwaway pair; a resident with others is replaced.</summary>
    private static bool PinnedCredentialsMatch(ResidentProxyState state)
    {
        var keyId = System.Environment.GetEnvironmentVariable(LocalAwsCredentials.AccessKeyIdVariable);
        var secret = System.Environment.GetEnvironmentVariable(LocalAwsCredentials.SecretAccessKeyVariable);
        return (string.IsNullOrEmpty(keyId) || keyId == state.AccessKeyId)
            && (string.IsNullOrEmpty(secret) || Secrets.EqualsConstantTime(secret, state.SecretAccessKey));
    }

    /// <summary>True when PID is a live tsh resident proxy (not a stranger that reused the number).</summary>
    private static bool IsResident(int pid)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return arguments.Contains(ResidentProxyCommand.Name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task<ResidentProxyState> StartAsync(string app, AwsLocalProxyMode mode, string path, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(System.Environment.ProcessPath ?? "tsh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tsh.dll")); // tsh run as "dotnet tsh.dll"
        }

        foreach (var argument in new[] { ResidentProxyCommand.Name, "--app", app, "--mode", ModeName(mode) })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw FerryException.Unavailable("cannot start the local AWS proxy (tsh aws-resident)");
        process.StandardInput.Close();
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(StartTimeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw e is TimeoutException ? FerryException.Unavailable($"the local AWS proxy did not start within {StartTimeout.TotalSeconds:0} s") : e;
        }

        if (line == ResidentProxyCommand.Ready && ResidentProxyState.Read(path) is { } state)
        {
            return state;
        }

        // It exited (or said something else): its error is what the user needs to see.
        var error = (await process.StandardError.ReadToEndAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken)).Trim();
        if (error.StartsWith("ERROR: ", StringComparison.Ordinal))
        {
            error = error["ERROR: ".Length..];
        }

        throw FerryException.Unavailable("the local AWS proxy did not start: " + (error.Length > 0 ? error : "it exited without saying why"));
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var deadline = DateTimeOffset.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, options);
            }
            catch (IOException) when (DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(20, cancellationToken); // another tsh is starting the resident; it holds the lock for well under a second
            }
        }
    }
}
