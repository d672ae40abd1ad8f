using System.CommandLine;
using System.Runtime.InteropServices;
using Ferry.Core.Errors;
using Ferry.Core.Security;
using Ferry.LocalProxy;
using Ferry.Tsh.Commands;

namespace Ferry.Tsh.Resident;

/// <summary>
/// tsh aws-resident --app APP --mode https-proxy|endpoint-url (hidden): the resident local proxy that
/// <see cref="ResidentAwsProxy"/> starts. It leaves the terminal's session, starts the proxy and warms its connection
/// to the Ferry proxy, writes its state file, says <see cref="Ready"/> on stdout, and then serves until its lease ends.
/// </summary>
internal static class ResidentProxyCommand
{
    public const string Name = "aws-resident";
    public const string Ready = "ready";

    /// <summary>How often the resident checks that its state file is still its own (the file is its lease).</summary>
    private static readonly TimeSpan LeaseCheck = TimeSpan.FromSeconds(1);

    public static Command Build(TshContext context)
    {
        var app = new Option<string>("--app") { Required = true };
        var mode = new Option<string>("--mode") { Required = true };
        var command = new Command(Name, "The resident local proxy tsh aws starts (not for direct use)") { app, mode };
        command.Hidden = true;
        command.SetAction(async (parse, ct) =>
        {
            // Ctrl-C in the shell that ran tsh aws goes to that terminal's process group: not to this process.
            Posix.DetachFromTerminal();
            var proxyMode = parse.GetValue(mode) switch
            {
                "https-proxy" => AwsLocalProxyMode.HttpsProxy,
                "endpoint-url" => AwsLocalProxyMode.EndpointUrl,
                var other => throw FerryException.BadParameter($"unknown --mode \"{other}\"; use https-proxy or endpoint-url"),
            };
            var store = context.Store;
            var profile = store.RequireCurrent();
            var login = ActiveApps.Choose(store, profile, parse.GetValue(app));
            var path = ResidentAwsProxy.StatePath(store, profile, login.AppName, proxyMode);
            var certificateHash = ResidentProxyState.HashFile(store.AppCertificatePath(profile, login.AppName));

            await using var proxy = await AwsProxyLauncher.StartAsync(context, profile, login, proxyMode, 0, ct);
            await proxy.WarmUpAsync(ct);
            var environment = proxy.GetEnvironment();
            var state = new ResidentProxyState
            {
                Pid = Environment.ProcessId,
                Port = proxy.Port,
                Token = Secrets.New(16),
                AccessKeyId = environment["AWS_ACCESS_KEY_ID"],
                SecretAccessKey = environment["AWS_SECRET_ACCESS_KEY"],
                CaBundlePath = environment["AWS_CA_BUNDLE"],
                CertificateSha256 = certificateHash,
                Expires = login.Expires,
            };
            state.Write(path);
            await context.Console.Out.WriteLineAsync(Ready);
            await context.Console.Out.FlushAsync(ct);

            // The starter stops reading once it has the line above; nothing may be written to its pipes after that.
            Console.SetOut(TextWriter.Null);
            Console.SetError(TextWriter.Null);
            await ServeUntilLeaseEndsAsync(path, state, ct);
            return 0;
        });
        return command;
    }

    private static async Task ServeUntilLeaseEndsAsync(string path, ResidentProxyState state, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stop.Cancel();
        });
        using var timer = new PeriodicTimer(LeaseCheck);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                if (ResidentProxyState.Read(path)?.Token != state.Token)
                {
                    return; // logged out, or a successor took over: the file is not ours to remove
                }

                if (DateTimeOffset.UtcNow >= state.Expires)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        if (ResidentProxyState.Read(path)?.Token == state.Token)
        {
            File.Delete(path);
        }
    }
}
