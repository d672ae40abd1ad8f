using Ferry.Client.Cli;
using Ferry.Tsh;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await TshApp.RunAsync(args, CliConsole.System, cancel.Token);
