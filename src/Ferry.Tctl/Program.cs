using Ferry.Client.Cli;
using Ferry.Tctl;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await TctlApp.RunAsync(args, CliConsole.System, cancel.Token);
