using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ferry.Core.Yaml;

/// <summary>Loads a YAML stream into its documents, turning syntax errors into located problems instead of exceptions.</summary>
public static class YamlDocuments
{
    /// <summary>
    /// Returns the root node of each document (empty documents are skipped). On a syntax error (including a duplicate key,
    /// which YamlDotNet rejects while loading) the problem is recorded and the documents read so far are returned.
    /// </summary>
    public static IReadOnlyList<YamlNode> Load(string text, YamlDiagnostics diagnostics)
    {
        var roots = new List<YamlNode>();
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
            var hint = message.Contains("duplicate key", StringComparison.OrdinalIgnoreCase)
                ? "each key may appear once in a mapping; remove or merge the repeated one"
                : "check indentation, quoting and that lists use \"- \" consistently";
            diagnostics.Report(ex.Start, "", $"invalid YAML: {CleanMessage(message)}", hint);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some malformed input (e.g. an unclosed flow list); the last event read
            // is the best position available.
            diagnostics.Report(parser.Current?.End ?? Mark.Empty, "", "invalid YAML: the document ends in the middle of a value",
                "check for an unclosed [ or { or quote");
        }
        foreach (var document in stream.Documents)
        {
            if (!YamlScalars.IsNull(document.RootNode))
            {
                roots.Add(document.RootNode);
            }
        }
        return roots;
    }

    private static string CleanMessage(string message)
    {
        // YamlDotNet prefixes messages with "(Line: x, Col: y, Idx: z) - (Line: ...): "; the position is printed separately.
        var idx = message.LastIndexOf("): ", StringComparison.Ordinal);
        return idx >= 0 && message.StartsWith('(') ? message[(idx + 3)..] : message;
    }
}
