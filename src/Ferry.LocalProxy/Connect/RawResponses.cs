using System.IO.Pipelines;
using System.Text;

namespace Ferry.LocalProxy.Connect;

/// <summary>
/// The forward proxy's own replies, written straight onto the connection: the tunnel's <c>200</c> and the
/// plain-text failures, whose body is the status text as the reference writes it (docs/aws-access.md §1.5).
/// </summary>
internal static class RawResponses
{
    public static ReadOnlyMemory<byte> Established { get; } = "HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray();

    public static async ValueTask WriteErrorAsync(PipeWriter output, int status, string reason, CancellationToken cancellationToken)
    {
        var body = reason + "\n";
        var text = $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        await output.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
    }
}
