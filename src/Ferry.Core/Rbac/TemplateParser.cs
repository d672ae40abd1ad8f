using System.Text;
using System.Text.RegularExpressions;

namespace Ferry.Core.Rbac;

/// <summary>
/// Recursive-descent parser for the expression inside <c>{{ }}</c>:
/// <code>
/// expr := namespace "." IDENT | namespace "[" STRING "]" | FUNC "(" args ")"
/// namespace := internal | external ;  FUNC := email.local | regexp.replace
/// </code>
/// Failures throw <see cref="FormatException"/> with a message meant for the role author.
/// </summary>
internal sealed class TemplateParser
{
    public const string Internal = "internal";
    public const string External = "external";
    private static readonly string[] Namespaces = [Internal, External];
    private static readonly string[] Functions = ["email.local", "regexp.replace"];

    private readonly string _text;
    private int _pos;

    private TemplateParser(string text) => _text = text;

    public static TemplateExpression Parse(string text)
    {
        var parser = new TemplateParser(text);
        var expr = parser.ParseExpression();
        parser.SkipSpace();
        if (parser._pos != text.Length)
        {
            throw new FormatException($"unexpected \"{text[parser._pos..]}\" after the expression");
        }
        return expr;
    }

    private TemplateExpression ParseExpression()
    {
        SkipSpace();
        var first = ReadIdentifier();
        if (first.Length == 0)
        {
            throw new FormatException($"expected internal.NAME or external.NAME, found \"{Rest()}\"");
        }
        if (Peek() == '[')
        {
            _pos++;
            SkipSpace();
            var name = ReadString();
            SkipSpace();
            Expect(']');
            return Variable(first, name);
        }
        Expect('.');
        var second = ReadIdentifier();
        if (second.Length == 0)
        {
            throw new FormatException($"expected a name after \"{first}.\"");
        }
        SkipSpace();
        if (Peek() != '(')
        {
            return Variable(first, second);
        }
        _pos++;
        var function = first + "." + second;
        switch (function)
        {
            case "email.local":
            {
                var arg = ParseExpression();
                SkipSpace();
                Expect(')');
                return new EmailLocal(arg);
            }
            case "regexp.replace":
            {
                var arg = ParseExpression();
                SkipSpace();
                Expect(',');
                SkipSpace();
                var pattern = ReadString();
                SkipSpace();
                Expect(',');
                SkipSpace();
                var replacement = ReadString();
                SkipSpace();
                Expect(')');
                Regex regex;
                try
                {
                    regex = LabelMatcher.CompileRegex(pattern);
                }
                catch (ArgumentException ex)
                {
                    throw new FormatException($"regexp.replace has an invalid regular expression \"{pattern}\": {ex.Message}");
                }
                return new RegexpReplace(arg, regex, replacement);
            }
            default:
                var suggestion = Yaml.Suggestions.Closest(function, Functions);
                throw new FormatException($"unknown function \"{function}\"" +
                    (suggestion is null ? $"; supported functions are {string.Join(", ", Functions)}" : $"; did you mean \"{suggestion}\"?"));
        }
    }

    private static TraitVariable Variable(string ns, string name)
    {
        if (!Namespaces.Contains(ns))
        {
            var suggestion = Yaml.Suggestions.Closest(ns, Namespaces);
            throw new FormatException($"unknown namespace \"{ns}\"" +
                (suggestion is null ? "; use internal.NAME or external.NAME" : $"; did you mean \"{suggestion}\"?"));
        }
        if (name.Length == 0)
        {
            throw new FormatException($"empty trait name after \"{ns}\"");
        }
        return new TraitVariable(ns, name);
    }

    private string ReadIdentifier()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }
        return _text[start.._pos];
    }

    /// <summary>A Go string literal: "double quoted" with backslash escapes, or `raw`.</summary>
    private string ReadString()
    {
        var quote = Peek();
        if (quote is not ('"' or '`'))
        {
            throw new FormatException($"expected a quoted string, found \"{Rest()}\"");
        }
        _pos++;
        var sb = new StringBuilder();
        while (_pos < _text.Length)
        {
            var c = _text[_pos++];
            if (c == quote)
            {
                return sb.ToString();
            }
            if (c == '\\' && quote == '"' && _pos < _text.Length)
            {
                var e = _text[_pos++];
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => e });
                continue;
            }
            sb.Append(c);
        }
        throw new FormatException("unterminated string");
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (Peek() != c)
        {
            throw new FormatException($"expected \"{c}\", found \"{(Rest().Length == 0 ? "end of template" : Rest())}\"");
        }
        _pos++;
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private string Rest() => _text[_pos..];

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }
}
