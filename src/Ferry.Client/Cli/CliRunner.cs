using System.CommandLine;
using Ferry.Core.Errors;

namespace Ferry.Client.Cli;

/// <summary>
/// Runs a command tree with Ferry's error policy: a <see cref="FerryException"/> prints "ERROR: message" and
/// exits with the code of its kind (docs/cli-exit-codes.md); anything unexpected prints one line, never a
/// stack trace, unless FERRY_DEBUG=1.
/// </summary>
public static class CliRunner
{
    public const int UsageError = 2;

    public static async Task<int> RunAsync(RootCommand root, string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync("ERROR: " + error.Message);
            }

            await console.Error.WriteLineAsync($"Run '{root.Name} {string.Join(' ', CommandPath(parse))} --help' for usage.");
            return UsageError;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (FerryException e)
        {
            await console.Error.WriteLineAsync("ERROR: " + e.Message);
            return ErrorKindMapping.ToExitCode(e.Kind);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await console.Error.WriteLineAsync("ERROR: " + e.Message);
            return 1;
        }
        catch (Exception e)
        {
            await console.Error.WriteLineAsync(Environment.GetEnvironmentVariable("FERRY_DEBUG") == "1"
                ? "ERROR: " + e
                : $"ERROR: unexpected {e.GetType().Name}: {e.Message} (set FERRY_DEBUG=1 for details)");
            return 1;
        }
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result?.Parent is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        return names;
    }
}
