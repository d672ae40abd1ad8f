using Spectre.Console;
using Spectre.Console.Rendering;

namespace Ferry.Client.Cli;

/// <summary>Plain aligned tables with a dashed header rule, like Teleport's, rendered by Spectre.Console without colour.</summary>
public static class TableWriter
{
    public static void Write(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 4096; // never wrap: scripts cut columns out of this output
        var table = new Table { Border = TableBorder.Simple, ShowHeaders = true, Expand = false };
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(Markup.Escape(header)) { NoWrap = true, Padding = new Padding(0, 0, 2, 0) });
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => (IRenderable)new Text(cell)).ToArray());
        }

        console.Write(table);
    }
}
