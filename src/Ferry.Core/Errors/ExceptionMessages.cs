using System.Text;

namespace Ferry.Core.Errors;

public static class ExceptionMessages
{
    /// <summary>
    /// The message and every cause under it, joined with ": ". An HTTP client's "Error while copying content to a
    /// stream" says nothing alone; "…: Broken pipe" says what happened.
    /// </summary>
    public static string WithCauses(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var text = new StringBuilder(error.Message);
        for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
        {
            text.Append(": ").Append(inner.Message);
        }

        return text.ToString();
    }
}
