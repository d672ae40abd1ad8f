using Spectre.Console;
using Spectre.Console.Rendering;

namespace Ferry.Client.Cli;

/// <summary>
/// Plain aligned tables with a dashed rule under the header, like Teleport's, rendered by Spectre.Console
/// without colour or box drawing, and with trailing spaces trimmed so scripts can cut columns.
/// </summary>
public static class TableWriter
{
    public static void Write(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var buffer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(buffer),
        });
        console.Profile.Width = 4096; // never wrap
        var table = new Table { Border = new DashedHeaderBorder(), ShowHeaders = true, Expand = false };
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(Markup.Escape(header)) { NoWrap = true, Padding = new Padding(0, 0, 1, 0) });
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => (IRenderable)new Text(cell)).ToArray());
        }

        console.Write(table);
        foreach (var line in buffer.ToString().Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0))
        {
            writer.WriteLine(line);
        }
    }

    /// <summary>No frame; a row of dashes under the header, one space between columns.</summary>
    private sealed class DashedHeaderBorder : TableBorder
    {
        public override string GetPart(TableBorderPart part) => part switch
        {
            TableBorderPart.HeaderBottomLeft or TableBorderPart.HeaderBottomRight => "",
            TableBorderPart.HeaderBottom => "-",
            TableBorderPart.HeaderBottomSeparator => " ",
            TableBorderPart.HeaderLeft or TableBorderPart.HeaderRight or TableBorderPart.CellLeft or TableBorderPart.CellRight => "",
            TableBorderPart.HeaderSeparator or TableBorderPart.CellSeparator => " ",
            _ => "",
        };
    }
}
