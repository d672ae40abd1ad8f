namespace Ferry.Auth.Sso.Saml;

/// <summary>What a response must match: the provider, Ferry's ACS and audience, the time, and the request it answers.</summary>
public sealed record SamlExpectations
{
    public static readonly TimeSpan DefaultSkew = TimeSpan.FromMinutes(2);

    public required SamlIdp Idp { get; init; }
    /// <summary>Response/@Destination (when present) and SubjectConfirmationData/@Recipient must equal it.</summary>
    public required string Acs { get; init; }
    /// <summary>An AudienceRestriction/Audience must equal it.</summary>
    public required string Audience { get; init; }
    public required DateTimeOffset Now { get; init; }
    /// <summary>InResponseTo must equal it; null for an IdP-initiated response, accepted only with <see cref="AllowIdpInitiated"/>.</summary>
    public string? ExpectedRequestId { get; init; }
    public bool AllowIdpInitiated { get; init; }
    public TimeSpan MaxSkew { get; init; } = DefaultSkew;
}

/// <summary>What a validated assertion says about the user.</summary>
public sealed record SamlAssertion
{
    public required string Id { get; init; }
    public required string Issuer { get; init; }
    public required string NameId { get; init; }
    /// <summary>By attribute Name; values in document order.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes { get; init; }
    /// <summary>The earliest of Conditions/@NotOnOrAfter and the bearer confirmation's NotOnOrAfter.</summary>
    public required DateTimeOffset NotOnOrAfter { get; init; }
    public string? InResponseTo { get; init; }
    /// <summary>AuthnStatement/@SessionNotOnOrAfter: the provider's limit on the session, if any.</summary>
    public DateTimeOffset? SessionNotOnOrAfter { get; init; }
}
