namespace Ferry.Auth.Sso;

/// <summary>Who the identity provider says the user is, in Ferry's terms.</summary>
/// <param name="Subject">The provider's stable id for the user (GitHub login, OIDC <c>sub</c>, SAML NameID), audited and stored on the user.</param>
/// <param name="Username">The Ferry user name to log in as.</param>
/// <param name="Traits">Claims, attributes or teams as traits, read by roles as <c>{{external.NAME}}</c>.</param>
/// <param name="Matches">The values the connector's mappings look at, by the name the mapping uses (claim, attribute, or "org/team").</param>
/// <param name="SessionEnds">A limit the provider puts on the session (SAML SessionNotOnOrAfter), if any.</param>
public sealed record ExternalIdentity(
    string Subject,
    string Username,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Traits,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Matches,
    DateTimeOffset? SessionEnds = null);
