using System.Xml;
using Ferry.Core.Errors;

namespace Ferry.Auth.Sso.Saml;

/// <summary>
/// Every rule a SAML response must pass before Ferry believes a word of it, in one pipeline (docs/sso.md). No SAML
/// library is used (none maintained is on the registry); the signature itself is .NET's SignedXml, wrapped by
/// <see cref="SamlSignature"/> so that the element verified is the element read. Refusals say which rule failed and
/// never echo the document.
/// </summary>
public static class SamlResponseValidator
{
    /// <summary>Real responses are a few kilobytes; 256 KiB bounds what a hostile post can cost.</summary>
    private const int MaxBytes = 256 * 1024;

    public static FerryException Refuse(string reason) => FerryException.AccessDenied("SAML response refused: " + reason);

    public static SamlAssertion Validate(string samlResponse, SamlExpectations expect)
    {
        // 1. Base64, bounded, parsed with DTDs prohibited and nothing resolved.
        var document = Load(samlResponse);

        // 2. A successful samlp:Response of SAML 2.0.
        var response = document.DocumentElement!;
        if (response.LocalName != "Response" || response.NamespaceURI != SamlXml.Protocol || response.GetAttribute("Version") != "2.0")
        {
            throw Refuse("it is not a SAML 2.0 samlp:Response");
        }

        CheckStatus(response);

        // 3. Exactly one assertion in the whole document, unencrypted, directly in the response; IDs unique.
        if (document.GetElementsByTagName("EncryptedAssertion", SamlXml.Assertion).Count > 0)
        {
            throw Refuse("encrypted assertions are not supported; turn assertion encryption off at the identity provider");
        }

        var all = document.GetElementsByTagName("Assertion", SamlXml.Assertion).OfType<XmlElement>().ToList();
        if (all.Count != 1)
        {
            throw Refuse($"it holds {all.Count} assertions; exactly one is accepted");
        }

        var assertion = all[0];
        if (assertion.ParentNode != response)
        {
            throw Refuse("its assertion is not a direct child of the response");
        }

        CheckUniqueIds(document);

        // 4. Signed by the provider: the assertion itself, or the whole response (which then covers the assertion).
        var assertionSignature = SamlSignature.Of(assertion);
        var responseSignature = SamlSignature.Of(response);
        if (assertionSignature is null && responseSignature is null)
        {
            throw Refuse("it is not signed; the identity provider must sign the assertion or the response");
        }

        if (assertionSignature is not null)
        {
            SamlSignature.Verify(assertion, assertionSignature, expect.Idp.SigningCertificates);
        }

        if (responseSignature is not null)
        {
            SamlSignature.Verify(response, responseSignature, expect.Idp.SigningCertificates);
        }

        // From here on only the verified elements are read, never looked up again.
        // 5. Issued by this provider.
        var issuer = SamlXml.Child(assertion, SamlXml.Assertion, "Issuer") is { } issuerElement ? SamlXml.PlainText(issuerElement) : null;
        if (issuer != expect.Idp.EntityId)
        {
            throw Refuse($"its assertion is issued by \"{SamlXml.Short(issuer ?? "")}\", not the identity provider of the metadata ({expect.Idp.EntityId})");
        }

        if (SamlXml.Child(response, SamlXml.Assertion, "Issuer") is { } responseIssuer && SamlXml.PlainText(responseIssuer) != expect.Idp.EntityId)
        {
            throw Refuse("its response names another issuer than its assertion's identity provider");
        }

        // 6. For Ferry's ACS, answering Ferry's request (or IdP-initiated where allowed).
        var destination = response.GetAttribute("Destination");
        if (destination.Length > 0 && destination != expect.Acs)
        {
            throw Refuse($"its Destination \"{SamlXml.Short(destination)}\" is not this connector's ACS ({expect.Acs})");
        }

        var responseInResponseTo = response.GetAttribute("InResponseTo");
        CheckInResponseTo(responseInResponseTo.Length == 0 ? null : responseInResponseTo, expect, required: false);

        var subject = SamlXml.Child(assertion, SamlXml.Assertion, "Subject") ?? throw Refuse("its assertion has no Subject");
        var nameId = SamlXml.Child(subject, SamlXml.Assertion, "NameID") is { } nameIdElement ? SamlXml.PlainText(nameIdElement) : null;
        if (string.IsNullOrWhiteSpace(nameId))
        {
            throw Refuse(nameId is null ? "its NameID holds markup or a comment besides its text" : "its assertion has no NameID");
        }

        var confirmationEnds = CheckBearerConfirmation(subject, expect, out var inResponseTo);

        // 7. Valid now (with the allowed skew) and for Ferry's audience.
        var conditionsEnd = CheckConditions(assertion, expect);

        // 8. What it says about the user.
        var session = SamlXml.Child(assertion, SamlXml.Assertion, "AuthnStatement") is { } authn
            ? SamlXml.Time(authn, "SessionNotOnOrAfter", "AuthnStatement") : null;
        var id = assertion.GetAttribute("ID");
        return new SamlAssertion
        {
            Id = id,
            Issuer = issuer,
            NameId = nameId.Trim(),
            Attributes = Attributes(assertion),
            NotOnOrAfter = conditionsEnd is { } c && c < confirmationEnds ? c : confirmationEnds,
            InResponseTo = inResponseTo,
            SessionNotOnOrAfter = session,
        };
    }

    private static XmlDocument Load(string samlResponse)
    {
        // Checked before decoding, so a huge post costs nothing but this comparison (base64 is 4 characters per 3 bytes;
        // line breaks some providers insert are allowed for).
        if (samlResponse.Length > MaxBytes / 3 * 4 * 102 / 100 + 8)
        {
            throw Refuse($"it is larger than {MaxBytes / 1024} KiB");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(samlResponse.Trim());
        }
        catch (FormatException)
        {
            throw Refuse("SAMLResponse is not base64");
        }

        if (bytes.Length > MaxBytes)
        {
            throw Refuse($"it is larger than {MaxBytes / 1024} KiB");
        }

        try
        {
            return SamlXml.Load(bytes, MaxBytes);
        }
        catch (XmlException)
        {
            throw Refuse("it is not well-formed XML, or it has a DTD (refused: DTDs carry entity attacks)");
        }
    }

    private static void CheckStatus(XmlElement response)
    {
        var code = SamlXml.Child(response, SamlXml.Protocol, "Status") is { } status ? SamlXml.Child(status, SamlXml.Protocol, "StatusCode") : null;
        var value = code?.GetAttribute("Value") ?? "";
        if (value != SamlXml.Success)
        {
            var detail = code is not null && SamlXml.Child(code, SamlXml.Protocol, "StatusCode") is { } sub ? " / " + sub.GetAttribute("Value") : "";
            throw Refuse($"the identity provider answered status {SamlXml.Short(value.Length == 0 ? "(none)" : value)}{SamlXml.Short(detail)}");
        }
    }

    /// <summary>Duplicate IDs are how a wrapped copy hides behind the signed original; refuse any.</summary>
    private static void CheckUniqueIds(XmlDocument document)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in document.SelectNodes("//*")!.OfType<XmlElement>())
        {
            foreach (var name in new[] { "ID", "Id", "id" })
            {
                if (element.GetAttributeNode(name) is { } attribute && !seen.Add(attribute.Value))
                {
                    throw Refuse($"the ID \"{SamlXml.Short(attribute.Value)}\" appears more than once (a signature wrapping attempt)");
                }
            }
        }
    }

    private static void CheckInResponseTo(string? value, SamlExpectations expect, bool required)
    {
        if (expect.ExpectedRequestId is { } expected)
        {
            if (value is null ? required : !Core.Security.Secrets.EqualsConstantTime(value, expected))
            {
                throw Refuse(value is null ? "it answers no request (InResponseTo missing) but Ferry sent one" : "its InResponseTo is not the request Ferry sent (a response to another login)");
            }
        }
        else if (value is not null)
        {
            throw Refuse("it answers a request Ferry is not waiting for");
        }
        else if (!expect.AllowIdpInitiated)
        {
            throw Refuse("it was not asked for (IdP-initiated), and this connector does not allow that (allow_idp_initiated: false)");
        }
    }

    /// <summary>A bearer SubjectConfirmation for the ACS, unexpired, answering the request; its NotOnOrAfter.</summary>
    private static DateTimeOffset CheckBearerConfirmation(XmlElement subject, SamlExpectations expect, out string? inResponseTo)
    {
        var reasons = new List<string>();
        foreach (var confirmation in SamlXml.Children(subject, SamlXml.Assertion, "SubjectConfirmation").Where(c => c.GetAttribute("Method") == SamlXml.Bearer))
        {
            var data = SamlXml.Child(confirmation, SamlXml.Assertion, "SubjectConfirmationData");
            if (data is null)
            {
                reasons.Add("a bearer confirmation has no SubjectConfirmationData");
                continue;
            }

            var recipient = data.GetAttribute("Recipient");
            var notOnOrAfter = SamlXml.Time(data, "NotOnOrAfter", "SubjectConfirmationData");
            var notBefore = SamlXml.Time(data, "NotBefore", "SubjectConfirmationData");
            if (recipient != expect.Acs)
            {
                reasons.Add($"its Recipient \"{SamlXml.Short(recipient)}\" is not this connector's ACS ({expect.Acs})");
            }
            else if (notOnOrAfter is not { } end)
            {
                reasons.Add("its bearer confirmation has no NotOnOrAfter");
            }
            else if (end <= expect.Now - expect.MaxSkew)
            {
                reasons.Add($"it expired at {end:u} (bearer confirmation)");
            }
            else if (notBefore is { } start && start > expect.Now + expect.MaxSkew)
            {
                reasons.Add($"it is not valid before {start:u} (check the clocks)");
            }
            else
            {
                var value = data.GetAttribute("InResponseTo");
                inResponseTo = value.Length == 0 ? null : value;
                CheckInResponseTo(inResponseTo, expect, required: true);
                return end;
            }
        }

        throw Refuse(reasons.Count == 0 ? "its subject has no bearer confirmation" : reasons[0]);
    }

    private static DateTimeOffset? CheckConditions(XmlElement assertion, SamlExpectations expect)
    {
        var conditions = SamlXml.Child(assertion, SamlXml.Assertion, "Conditions") ?? throw Refuse("its assertion has no Conditions (validity and audience)");
        var notBefore = SamlXml.Time(conditions, "NotBefore", "Conditions");
        var notOnOrAfter = SamlXml.Time(conditions, "NotOnOrAfter", "Conditions");
        if (notBefore is { } start && start > expect.Now + expect.MaxSkew)
        {
            throw Refuse($"it is not valid before {start:u} (check the clocks; at most {expect.MaxSkew.TotalMinutes:0} minutes of skew are allowed)");
        }

        if (notOnOrAfter is { } end && end <= expect.Now - expect.MaxSkew)
        {
            throw Refuse($"it expired at {end:u}");
        }

        // A condition Ferry does not understand makes the assertion indeterminate, which must not be accepted (SAML core
        // §2.5.1). OneTimeUse is met by the assertion ledger; ProxyRestriction limits further assertions Ferry never makes.
        foreach (var condition in conditions.ChildNodes.OfType<XmlElement>())
        {
            if (condition.NamespaceURI != SamlXml.Assertion || condition.LocalName is not ("AudienceRestriction" or "OneTimeUse" or "ProxyRestriction"))
            {
                throw Refuse($"its Conditions hold a condition Ferry does not know ({SamlXml.Short(condition.Name)}), so it cannot be accepted");
            }
        }

        // Every AudienceRestriction must be met (SAML core §2.5.1.4), and there must be one.
        var restrictions = SamlXml.Children(conditions, SamlXml.Assertion, "AudienceRestriction").ToList();
        if (restrictions.Count == 0)
        {
            throw Refuse("its assertion names no audience (AudienceRestriction)");
        }

        foreach (var restriction in restrictions)
        {
            if (!SamlXml.Children(restriction, SamlXml.Assertion, "Audience").Any(a => SamlXml.PlainText(a)?.Trim() == expect.Audience))
            {
                throw Refuse($"it is for another audience, not {expect.Audience}; set the audience (entity id) at the identity provider to it");
            }
        }

        return notOnOrAfter;
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes(XmlElement assertion)
    {
        var attributes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var statement in SamlXml.Children(assertion, SamlXml.Assertion, "AttributeStatement"))
        {
            foreach (var attribute in SamlXml.Children(statement, SamlXml.Assertion, "Attribute"))
            {
                var name = attribute.GetAttribute("Name");
                if (name.Length == 0)
                {
                    continue;
                }

                if (!attributes.TryGetValue(name, out var values))
                {
                    attributes[name] = values = [];
                }

                foreach (var value in SamlXml.Children(attribute, SamlXml.Assertion, "AttributeValue"))
                {
                    if (SamlXml.IsStructured(value))
                    {
                        continue; // a structured value (an XML type of its own) is no role or trait: skipped, not trusted as text
                    }

                    var text = SamlXml.PlainText(value) ?? throw Refuse($"a value of attribute \"{SamlXml.Short(name)}\" holds markup or a comment besides its text");
                    if (!string.IsNullOrWhiteSpace(text))
                    {
                        values.Add(text.Trim());
                    }
                }
            }
        }

        return attributes.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal);
    }
}
