using System.Text;

namespace Ferry.Core.Yaml;

/// <summary>
/// One thing wrong with a YAML document: where (file, 1-based line and column, dotted key path), what, and how to fix it.
/// Printed as <c>role.yaml: unknown key "app_lables" at spec.allow (line 7, column 5): did you mean "app_labels"?</c>
/// </summary>
public sealed record YamlProblem(string? File, int Line, int Column, string Path, string Message, string? Hint = null)
{
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(File))
        {
            sb.Append(File).Append(": ");
        }
        sb.Append(Message);
        if (!string.IsNullOrEmpty(Path))
        {
            sb.Append(" at ").Append(Path);
        }
        if (Line > 0)
        {
            sb.Append(" (line ").Append(Line).Append(", column ").Append(Column).Append(')');
        }
        if (!string.IsNullOrEmpty(Hint))
        {
            sb.Append(": ").Append(Hint);
        }
        return sb.ToString();
    }
}
