namespace Ferry.Client.Cli;

/// <summary>
/// The terminal a command talks to. Tests pass string writers and readers; Program passes the real console.
/// Prompts go to <see cref="Error"/> so that stdout stays clean for piping (tctl get ... &gt; out.yaml).
/// </summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, TextReader In, bool InputIsTerminal)
{
    public static CliConsole System => new(Console.Out, Console.Error, Console.In, !Console.IsInputRedirected);

    /// <summary>Reads a secret: without echo on a terminal, one line from stdin otherwise.</summary>
    public string ReadSecret(string prompt)
    {
        if (!InputIsTerminal)
        {
            return In.ReadLine() ?? throw Core.Errors.FerryException.BadParameter($"expected a line on stdin for: {prompt.TrimEnd(':', ' ')}");
        }

        Error.Write(prompt);
        var buffer = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (buffer.Length > 0)
                {
                    buffer.Length--;
                }

                continue;
            }

            if (!char.IsControl(key.KeyChar))
            {
                buffer.Append(key.KeyChar);
            }
        }

        Error.WriteLine();
        return buffer.ToString();
    }

    public string ReadLine(string prompt)
    {
        if (InputIsTerminal)
        {
            Error.Write(prompt);
        }

        return In.ReadLine() ?? throw Core.Errors.FerryException.BadParameter($"expected a line on stdin for: {prompt.TrimEnd(':', ' ')}");
    }
}
