using System.Text;
using Ferry.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ferry.Core.Yaml;

/// <summary>
/// Collects every problem found while reading one input, so a user fixes a file in one pass instead of one error per run.
/// Callers finish with <see cref="ThrowIfAny"/>, which raises a single BadParameter listing them one per line.
/// </summary>
public sealed class YamlDiagnostics
{
    private readonly List<YamlProblem> _problems = [];

    public YamlDiagnostics(string? fileName = null)
    {
        FileName = fileName;
    }

    public string? FileName { get; }
    public IReadOnlyList<YamlProblem> Problems => _problems;
    public bool HasProblems => _problems.Count > 0;

    public void Report(YamlNode? node, string path, string message, string? hint = null) =>
        Report(node is null ? Mark.Empty : node.Start, path, message, hint);

    public void Report(Mark mark, string path, string message, string? hint = null)
    {
        // Mark.Empty has line 0: the problem is about something absent (e.g. a required key), so no position is printed.
        var line = mark.Line > 0 ? (int)mark.Line : 0;
        var column = mark.Line > 0 ? (int)mark.Column : 0;
        _problems.Add(new YamlProblem(FileName, line, column, path, message, hint));
    }

    /// <summary>A problem found after parsing (e.g. by auth against stored state), where no file position is known.</summary>
    public void ReportWithoutPosition(string path, string message, string? hint = null) =>
        _problems.Add(new YamlProblem(FileName, 0, 0, path, message, hint)); // line 0: no "(line, column)" is printed

    /// <summary>Builds the single exception callers throw; <paramref name="what"/> names the input, e.g. "role file".</summary>
    public FerryException ToException(string what)
    {
        var sb = new StringBuilder();
        sb.Append(what);
        if (!string.IsNullOrEmpty(FileName))
        {
            sb.Append(' ').Append(FileName);
        }
        sb.Append(_problems.Count == 1 ? " has 1 problem:" : $" has {_problems.Count} problems:");
        // In file order, so the list reads top to bottom; problems without a position last.
        foreach (var problem in _problems.OrderBy(p => p.Line == 0 ? int.MaxValue : p.Line).ThenBy(p => p.Column))
        {
            sb.Append('\n').Append("  ").Append(problem);
        }
        return FerryException.BadParameter(sb.ToString());
    }

    public void ThrowIfAny(string what)
    {
        if (HasProblems)
        {
            throw ToException(what);
        }
    }
}
