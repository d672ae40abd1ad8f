using System.CommandLine;
using System.Diagnostics;
using Ferry.Core.Errors;
using Ferry.LocalProxy;
using Ferry.Tsh.Resident;

namespace Ferry.Tsh.Commands;

/// <summary>
/// tsh aws [--app APP] [--exec CMD] [-e|--endpoint-url] ARGS...: runs the aws CLI (or another program) through
/// the app login's resident local proxy (<see cref="ResidentAwsProxy"/>, started on first use), with the proxy's
/// environment, and passes its exit code through (docs/aws-access.md §2.3, §2.4).
/// tsh's own flags end at the first argument that is not one of them; everything after goes to aws untouched,
/// which is why this command is parsed by hand rather than by System.CommandLine.
/// </summary>
internal static class AwsCommand
{
    /// <summary>Listed in tsh --help; the real work is <see cref="RunAsync"/>, called before parsing.</summary>
    public static Command HelpEntry()
    {
        var command = new Command("aws", "Run the aws CLI (or --exec PROGRAM) with access through Ferry: tsh aws [--app APP] [--exec CMD] [-e] ARGS...");
        command.Arguments.Add(new Argument<string[]>("args") { Arity = ArgumentArity.ZeroOrMore, Description = "Arguments for aws" });
        return command;
    }

    public static async Task<int> RunAsync(TshContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        string? app = null;
        string? program = null;
        var endpointMode = false;
        var index = 0;
        for (; index < args.Count; index++)
        {
            var arg = args[index];
            if (arg == "--app" || arg == "--exec")
            {
                if (index + 1 >= args.Count)
                {
                    throw FerryException.BadParameter($"{arg} needs a value");
                }

                (arg == "--app" ? ref app : ref program) = args[++index];
            }
            else if (arg.StartsWith("--app=", StringComparison.Ordinal))
            {
                app = arg["--app=".Length..];
            }
            else if (arg.StartsWith("--exec=", StringComparison.Ordinal))
            {
                program = arg["--exec=".Length..];
            }
            else if (arg is "-e" or "--endpoint-url")
            {
                endpointMode = true;
            }
            else
            {
                break;
            }
        }

        var rest = args.Skip(index).ToList();
        var profile = context.Store.RequireCurrent();
        var login = ActiveApps.Choose(context.Store, profile, app);
        var mode = endpointMode ? AwsLocalProxyMode.EndpointUrl : AwsLocalProxyMode.HttpsProxy;
        var proxy = await ResidentAwsProxy.AcquireAsync(context, profile, login, mode, cancellationToken);

        var info = new ProcessStartInfo(program ?? "aws") { UseShellExecute = false };
        foreach (var arg in rest)
        {
            info.ArgumentList.Add(arg);
        }

        if (endpointMode && program is null)
        {
            info.ArgumentList.Add("--endpoint-url");
            info.ArgumentList.Add($"https://localhost:{proxy.Port}");
        }

        // The child must use the throwaway pair and nothing else the user's shell carries.
        info.Environment.Remove("AWS_SESSION_TOKEN");
        info.Environment.Remove("AWS_SECURITY_TOKEN");
        info.Environment.Remove("AWS_PROFILE");
        foreach (var (name, value) in ResidentAwsProxy.Environment(proxy, mode))
        {
            info.Environment[name] = value;
        }

        if (!endpointMode)
        {
            // The AWS hosts must go through the proxy even if NO_PROXY lists them.
            info.Environment.Remove("NO_PROXY");
            info.Environment.Remove("no_proxy");
        }

        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_REGION")) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"))
            && !File.Exists(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "config")))
        {
            // Without any region configured the aws CLI refuses to run; the AWS default keeps the guide's commands working.
            info.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        }

        Process child;
        try
        {
            child = Process.Start(info) ?? throw FerryException.Unavailable($"cannot start {info.FileName}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw FerryException.NotFound($"cannot run \"{info.FileName}\": {e.Message}; install the AWS CLI (it must be on PATH) or pass --exec PROGRAM");
        }

        using (child)
        {
            try
            {
                await child.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                child.Kill(entireProcessTree: true);
                throw;
            }

            return child.ExitCode;
        }
    }
}
