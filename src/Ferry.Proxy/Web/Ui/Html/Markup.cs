using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Ferry.Proxy.Web.Ui.Html;

/// <summary>
/// A piece of HTML that is safe to write as is. The only ways to make one are <see cref="Of"/>, whose interpolation
/// holes are HTML-encoded unless they are Markup themselves (see <see cref="MarkupHandler"/>), and <see cref="Trusted"/>
/// for constant or generated markup (the QR code's SVG). So user data cannot reach a page unencoded by accident:
/// the type system refuses a plain string where markup is expected.
/// </summary>
internal readonly struct Markup
{
    /// <summary>Encodes &lt; &gt; &amp; " ' and control characters, keeps other Unicode readable.</summary>
    internal static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly string? _value;

    private Markup(string value)
    {
        _value = value;
    }

    public static Markup Empty => default;

    public string Value => _value ?? "";

    /// <summary>Markup from a template: literal text is kept, every hole is encoded (Markup holes are kept).</summary>
    public static Markup Of(ref MarkupHandler handler) => new(handler.ToStringAndClear());

    /// <summary>Markup that needs no encoding. Only for constants and markup a library generated from non-user data.</summary>
    public static Markup Trusted(string markup) => new(markup);

    /// <summary>Encoded text.</summary>
    public static Markup Text(string? text) => new(Encoder.Encode(text ?? ""));

    public static Markup Join(IEnumerable<Markup> parts) => new(string.Concat(parts.Select(p => p.Value)));

    public static Markup When(bool condition, Markup markup) => condition ? markup : Empty;

    public override string ToString() => Value;
}
