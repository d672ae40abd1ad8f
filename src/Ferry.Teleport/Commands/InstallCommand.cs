using System.CommandLine;
using Ferry.Client.Cli;

namespace Ferry.Teleport.Commands;

/// <summary>
/// teleport install systemd -o PATH: a unit that starts `teleport start` at boot, reading environment variables
/// (the agent's AWS credentials, as the guide's Step 3 says) from /etc/default/teleport.
/// </summary>
internal static class InstallCommand
{
    public static Command Build(CliConsole console)
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write the unit here (stdout when omitted), e.g. /etc/systemd/system/teleport.service" };
        var envFile = new Option<string>("--env-file") { Description = "Environment file the unit reads", DefaultValueFactory = _ => "/etc/default/teleport" };
        var config = new Option<string>("--config") { Description = "teleport.yaml the unit starts with", DefaultValueFactory = _ => StartCommand.DefaultConfigPath };
        var pidFile = new Option<string>("--pid-file") { Description = "PID file of the service", DefaultValueFactory = _ => "/run/teleport.pid" };
        var binary = new Option<string?>("--teleport-path") { Description = "Path of the teleport binary (default: this one)" };
        var fdLimit = new Option<int>("--fd-limit") { Description = "Open file limit of the service", DefaultValueFactory = _ => 524288 };
        var systemd = new Command("systemd", "Write a systemd unit for teleport") { output, envFile, config, pidFile, binary, fdLimit };
        systemd.SetAction(async (parse, ct) =>
        {
            var executable = parse.GetValue(binary) ?? Environment.ProcessPath ?? "/usr/local/bin/teleport";
            var unit = $"""
                [Unit]
                Description=Ferry (Teleport-compatible) Service
                After=network.target

                [Service]
                Type=simple
                Restart=on-failure
                EnvironmentFile=-{parse.GetValue(envFile)}
                ExecStart={executable} start --config {parse.GetValue(config)} --pid-file={parse.GetValue(pidFile)}
                KillMode=mixed
                KillSignal=SIGTERM
                PIDFile={parse.GetValue(pidFile)}
                LimitNOFILE={parse.GetValue(fdLimit)}

                [Install]
                WantedBy=multi-user.target

                """;
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, unit, ct);
                await console.Out.WriteLineAsync($"Wrote the systemd unit to {path}; then run: systemctl daemon-reload && systemctl enable --now teleport");
            }
            else
            {
                await console.Out.WriteAsync(unit);
            }

            return 0;
        });
        return new Command("install", "Install helpers") { systemd };
    }
}
