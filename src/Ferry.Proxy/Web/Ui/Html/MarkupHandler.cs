using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Ferry.Proxy.Web.Ui.Html;

/// <summary>
/// The interpolated-string handler behind <see cref="Markup.Of"/>: the literal parts of <c>$"..."</c> are the
/// template (trusted, written by us), and each <c>{hole}</c> is HTML-encoded unless it is already <see cref="Markup"/>.
/// Templates must quote attribute values (<c>value="{x}"</c>); the encoder escapes both quote characters.
/// </summary>
[InterpolatedStringHandler]
internal ref struct MarkupHandler
{
    private readonly StringBuilder _builder;

    public MarkupHandler(int literalLength, int formattedCount)
    {
        _builder = new StringBuilder(literalLength + formattedCount * 16);
    }

    public readonly void AppendLiteral(string literal) => _builder.Append(literal);

    public readonly void AppendFormatted(Markup markup) => _builder.Append(markup.Value);

    public readonly void AppendFormatted(string? text) => _builder.Append(Markup.Encoder.Encode(text ?? ""));

    /// <summary>Sequences of markup (a List, an array, a LINQ query) are concatenated; anything else is encoded text.</summary>
    public readonly void AppendFormatted<T>(T value)
    {
        switch (value)
        {
            case Markup markup:
                _builder.Append(markup.Value);
                break;
            case IEnumerable<Markup> parts:
                foreach (var part in parts)
                {
                    _builder.Append(part.Value);
                }

                break;
            case IFormattable formattable:
                AppendFormatted(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                AppendFormatted(value?.ToString());
                break;
        }
    }

    public readonly void AppendFormatted<T>(T value, string format) where T : IFormattable =>
        AppendFormatted(value.ToString(format, CultureInfo.InvariantCulture));

    internal readonly string ToStringAndClear()
    {
        var value = _builder.ToString();
        _builder.Clear();
        return value;
    }
}
