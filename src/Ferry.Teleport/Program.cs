using Ferry.Client.Cli;
using Ferry.Teleport;

return await TeleportApp.RunAsync(args, CliConsole.System, CancellationToken.None);
