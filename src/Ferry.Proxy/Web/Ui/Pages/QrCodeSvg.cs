using System.Globalization;
using System.Text;
using Ferry.Proxy.Web.Ui.Html;
using QRCoder;

namespace Ferry.Proxy.Web.Ui.Pages;

/// <summary>
/// A QR code as inline SVG, drawn here from QRCoder's module matrix: one path of unit squares, no style attributes
/// (the Content-Security-Policy forbids inline styles) and no external image service. The otpauth URI holds the TOTP
/// secret, so it must never leave the page: no request carries it anywhere.
/// </summary>
internal static class QrCodeSvg
{
    public static Markup Render(string text, string label)
    {
        using var data = QRCodeGenerator.GenerateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix; // includes the 4-module quiet zone
        var size = matrix.Count;
        var path = new StringBuilder(size * size * 4);
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                if (matrix[y][x])
                {
                    path.Append(CultureInfo.InvariantCulture, $"M{x} {y}h1v1h-1z");
                }
            }
        }

        // Only numbers and the fixed path alphabet come from the matrix; the label is encoded.
        return Markup.Of($"""<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" aria-label="{label}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path fill="#111" d="{path.ToString()}"/></svg>""");
    }
}
