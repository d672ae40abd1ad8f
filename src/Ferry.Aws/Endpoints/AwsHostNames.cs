namespace Ferry.Aws.Endpoints;

/// <summary>Checks on host names that claim to be AWS endpoints.</summary>
public static class AwsHostNames
{
    /// <summary>
    /// True for host[:port] whose host is a DNS name ending in <c>.amazonaws.com</c> or <c>.amazonaws.com.cn</c>.
    /// The reference only checks that the value contains ".amazonaws.com"; Ferry requires the suffix, so that
    /// "s3.amazonaws.com.attacker.example" cannot make the agent sign real credentials for another host.
    /// </summary>
    public static bool IsAwsEndpoint(string? hostAndPort)
    {
        if (string.IsNullOrWhiteSpace(hostAndPort))
        {
            return false;
        }

        var value = hostAndPort.AsSpan().Trim();
        var colon = value.LastIndexOf(':');
        if (colon >= 0)
        {
            var port = value[(colon + 1)..];
            if (port.IsEmpty || port.Length > 5 || !int.TryParse(port, out var p) || p is < 1 or > 65535)
            {
                return false;
            }

            value = value[..colon];
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))
            {
                return false;
            }
        }

        return value.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase)
            || value.EndsWith(".amazonaws.com.cn", StringComparison.OrdinalIgnoreCase);
    }
}
