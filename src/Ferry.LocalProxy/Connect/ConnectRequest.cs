using System.Buffers;
using System.Text;

namespace Ferry.LocalProxy.Connect;

/// <summary>
/// The head of a request to the forward proxy: the request line and the (ignored) header lines, up to the
/// empty line. botocore and urllib3 send <c>CONNECT host:443 HTTP/1.0</c> with no headers at all, .NET and
/// Node send HTTP/1.1 with Host (docs/testing.md §3.3, §4.4); both parse here. RFC 9110 §9.3.6.
/// </summary>
internal sealed class ConnectRequest
{
    /// <summary>A head larger than this is not from an AWS client; 8 KiB as in most proxies.</summary>
    public const int MaxHeadLength = 8 * 1024;

    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    private ConnectRequest(string method, string target, string host, int port)
    {
        Method = method;
        Target = target;
        Host = host;
        Port = port;
    }

    public string Method { get; }

    /// <summary>The request-target as sent, e.g. <c>dynamodb.us-east-1.amazonaws.com:443</c>.</summary>
    public string Target { get; }

    /// <summary>The host of a CONNECT authority-form target, without IPv6 brackets; empty for other methods.</summary>
    public string Host { get; }

    public int Port { get; }

    public bool IsConnect => Method == "CONNECT";

    public enum ParseStatus
    {
        Incomplete,
        Parsed,
        Malformed,
    }

    /// <summary>
    /// Parses a complete head from <paramref name="buffer"/>; on success <paramref name="buffer"/> is sliced to the
    /// bytes after it, which belong to the tunnel.
    /// </summary>
    public static ParseStatus TryParse(ref ReadOnlySequence<byte> buffer, out ConnectRequest? request, out string? error)
    {
        request = null;
        error = null;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, HeadEnd, advancePastDelimiter: true))
        {
            if (buffer.Length > MaxHeadLength)
            {
                error = "the request head is too long";
                return ParseStatus.Malformed;
            }

            return ParseStatus.Incomplete;
        }

        if (head.Length > MaxHeadLength)
        {
            error = "the request head is too long";
            return ParseStatus.Malformed;
        }

        var text = Encoding.ASCII.GetString(head);
        var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
        var line = lineEnd < 0 ? text : text[..lineEnd];
        var parts = line.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0
            || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            error = "the request line is not 'METHOD target HTTP/1.x'";
            return ParseStatus.Malformed;
        }

        var method = parts[0];
        var host = string.Empty;
        var port = 0;
        if (method == "CONNECT" && !TrySplitAuthority(parts[1], out host, out port))
        {
            error = "the CONNECT target is not host:port";
            return ParseStatus.Malformed;
        }

        request = new ConnectRequest(method, parts[1], host, port);
        buffer = buffer.Slice(reader.Position);
        return ParseStatus.Parsed;
    }

    /// <summary>Splits <c>host:port</c> or <c>[v6]:port</c> (RFC 9110 authority-form); a missing port means 443.</summary>
    internal static bool TrySplitAuthority(string authority, out string host, out int port)
    {
        host = string.Empty;
        port = 443;
        string portText;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 2)
            {
                return false;
            }

            host = authority[1..close];
            var rest = authority[(close + 1)..];
            if (rest.Length == 0)
            {
                return true;
            }

            if (rest[0] != ':')
            {
                return false;
            }

            portText = rest[1..];
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            if (colon < 0)
            {
                host = authority;
                return host.Length > 0;
            }

            host = authority[..colon];
            portText = authority[(colon + 1)..];
            if (host.Length == 0 || host.Contains(':'))
            {
                return false;
            }
        }

        return int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
            && port is > 0 and <= 65535;
    }
}
