namespace Ferry.Proxy.Web.Ui.Pages;

/// <summary>
/// Ferry's error messages are written for the command line: lower-case, no final stop ("invalid user name ...; check
/// them and try again"). On a page they read better as sentences.
/// </summary>
internal static class Sentence
{
    public static string Of(string message)
    {
        var text = message.Trim();
        if (text.Length == 0)
        {
            return text;
        }

        text = char.ToUpperInvariant(text[0]) + text[1..];
        return text[^1] is '.' or '!' or '?' or ')' ? text : text + ".";
    }
}
