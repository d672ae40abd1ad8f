using System.CommandLine;
using System.Runtime.InteropServices;
using Ferry.Client.Cli;
using Ferry.Config;
using Ferry.Core.Errors;
using Ferry.Teleport.Logging;
using Ferry.Teleport.Runtime;
using Microsoft.Extensions.Logging;

namespace Ferry.Teleport.Commands;

/// <summary>teleport start [-c FILE]: run until SIGTERM or SIGINT, then stop every service gracefully.</summary>
internal static class StartCommand
{
    public const string DefaultConfigPath = "/etc/teleport.yaml";

    public static Command Build(CliConsole console)
    {
        var config = new Option<string>("--config", "-c") { Description = "Path to teleport.yaml", DefaultValueFactory = _ => DefaultConfigPath };
        var insecure = new Option<bool>("--insecure") { Description = "Do not verify the proxy's certificate when joining (test setups only)" };
        var pidFile = new Option<string?>("--pid-file") { Description = "Write the process id to this file while running" };
        var command = new Command("start", "Start the services enabled in teleport.yaml") { config, insecure, pidFile };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(config)!;
            if (!File.Exists(path))
            {
                throw FerryException.NotFound($"config file {path} does not exist; write one (teleport configure > {path}) or pass -c PATH");
            }

            var fileConfig = FileConfig.Load(path);
            if (parse.GetValue(pidFile) is not { } pidPath)
            {
                return await RunAsync(fileConfig, parse.GetValue(insecure), console, ct);
            }

            await File.WriteAllTextAsync(pidPath, Environment.ProcessId + "\n", ct);
            try
            {
                return await RunAsync(fileConfig, parse.GetValue(insecure), console, ct);
            }
            finally
            {
                File.Delete(pidPath);
            }
        });
        return command;
    }

    public static async Task<int> RunAsync(FileConfig config, bool insecure, CliConsole console, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

        var time = TimeProvider.System;
        using var provider = CreateLoggerProvider(config, time);
        using var loggerFactory = LoggerFactory.Create(builder => Configure(builder, provider, config));
        var context = new ProcessContext(time, loggerFactory, builder => Configure(builder, provider, config), console.Out, insecure);

        await using (var process = await TeleportProcess.StartAsync(config, context, stop.Token))
        {
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                context.Logger.LogInformation("Shutting down gracefully");
            }
        }

        await console.Out.WriteLineAsync("Ferry stopped.");
        return 0;

        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }
    }

    private static void Configure(ILoggingBuilder builder, FerryLoggerProvider provider, FileConfig config)
    {
        builder.ClearProviders();
        builder.SetMinimumLevel(ToLevel(config.Teleport.Log.Severity));
        // Kestrel and hosting are chatty at Information; keep their warnings.
        builder.AddFilter("Microsoft", Environment.GetEnvironmentVariable("FERRY_DEBUG_FRAMEWORK") == "1" ? LogLevel.Debug : LogLevel.Warning);
        builder.AddProvider(new NonDisposingProvider(provider));
    }

    private static FerryLoggerProvider CreateLoggerProvider(FileConfig config, TimeProvider time)
    {
        var log = config.Teleport.Log;
        var json = string.Equals(log.Format, "json", StringComparison.OrdinalIgnoreCase);
        var level = ToLevel(log.Severity);
        return log.Output.ToLowerInvariant() switch
        {
            "stderr" or "" => new FerryLoggerProvider(Console.Error, false, json, level, time),
            "stdout" => new FerryLoggerProvider(Console.Out, false, json, level, time),
            _ => new FerryLoggerProvider(new StreamWriter(new FileStream(log.Output, FileMode.Append, FileAccess.Write, FileShare.Read)), true, json, level, time),
        };
    }

    private static LogLevel ToLevel(string severity) => severity.ToUpperInvariant() switch
    {
        "DEBUG" or "TRACE" => LogLevel.Debug,
        "WARN" or "WARNING" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        _ => LogLevel.Information,
    };

    /// <summary>Several logger factories share one provider; only the owner disposes it.</summary>
    private sealed class NonDisposingProvider(ILoggerProvider inner) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
