using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Ferry.Aws.Sts;

namespace Ferry.Aws.LocalProxy;

/// <summary>
/// The response hook of tsh's local proxy (docs/aws-access.md §1.4 step 4): credentials from an <c>AssumeRoleResponse</c>
/// passing through are remembered, so requests later signed with them (role chaining) verify locally.
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_Examples
/// </summary>
public static class AssumeRoleResponseParser
{
    /// <summary>Only a 200 answer to a POST whose signing service is <c>sts</c> can carry one.</summary>
    public static bool ShouldInspect(string? signingService, string method, int statusCode) =>
        signingService == "sts" && string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase) && statusCode == 200;

    /// <summary>
    /// Parses <c>AssumeRoleResponse/AssumeRoleResult</c>, requiring both <c>Credentials</c> (AccessKeyId,
    /// SecretAccessKey, SessionToken, Expiration) and <c>AssumedRoleUser/Arn</c>. Never throws on bad input;
    /// DTDs are refused.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out AwsSessionCredentials? credentials)
    {
        credentials = null;
        if (body.IsEmpty)
        {
            return false;
        }

        XDocument document;
        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document = XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return false;
        }

        if (document.Root is not { } root || root.Name.LocalName != "AssumeRoleResponse"
            || Child(root, "AssumeRoleResult") is not { } result
            || Child(result, "Credentials") is not { } creds
            || Child(result, "AssumedRoleUser") is not { } user)
        {
            return false;
        }

        var keyId = Child(creds, "AccessKeyId")?.Value;
        var secret = Child(creds, "SecretAccessKey")?.Value;
        var token = Child(creds, "SessionToken")?.Value;
        var arn = Child(user, "Arn")?.Value;
        if (string.IsNullOrEmpty(keyId) || string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(token) || string.IsNullOrEmpty(arn)
            || !DateTimeOffset.TryParse(Child(creds, "Expiration")?.Value, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiration))
        {
            return false;
        }

        credentials = new AwsSessionCredentials(keyId, secret, token, expiration, arn);
        return true;
    }

    private static XElement? Child(XElement parent, string localName)
    {
        foreach (var element in parent.Elements())
        {
            if (element.Name.LocalName == localName)
            {
                return element;
            }
        }

        return null;
    }
}
