using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Ferry.Core.Errors;

namespace Ferry.Storage.Audit;

/// <summary>
/// The keyset position a page ended at: the (stored time, id) of its last record. On the wire it is opaque,
/// base64url of "1:&lt;time&gt;:&lt;id&gt;" (1 is the format version), so callers pass it back unchanged and an
/// implementation may change what it holds. Keyset paging, not OFFSET: a page costs the same however deep it is,
/// and events appended between pages neither repeat nor skip a record of the earlier pages.
/// </summary>
internal readonly record struct AuditCursor(long Time, string Id)
{
    private const string Version = "1";

    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Version}:{Time.ToString(CultureInfo.InvariantCulture)}:{Id}"));

    /// <summary>The position <paramref name="cursor"/> names, or null to start from the first record.</summary>
    /// <exception cref="FerryException">BadParameter when the cursor is not one a search gave out.</exception>
    public static AuditCursor? Decode(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            throw Invalid();
        }

        var parts = text.Split(':', 3);
        if (parts.Length != 3 || parts[0] != Version || parts[2].Length == 0
            || !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var time))
        {
            throw Invalid();
        }

        return new AuditCursor(time, parts[2]);
    }

    private static FerryException Invalid() => FerryException.BadParameter(
        "the audit cursor is not valid: pass back the next_cursor of the previous page unchanged, or leave it out to start from the first page");
}
