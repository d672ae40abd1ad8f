namespace Ferry.Web.Tests.Infrastructure.Idps;

/// <summary>
/// A person at a test identity provider. <see cref="Id"/> and <see cref="Password"/> go into the IdP's login form
/// (ids <c>login</c> and <c>password</c>); the rest is what the IdP asserts: in the OIDC ID token and userinfo as
/// <c>email</c>, <c>groups</c> and <c>aws_role_arns</c> (the latter two with scope <c>groups</c>), and in the SAML
/// assertion as the NameID (the email) and the attributes <c>email</c>, <c>groups</c> and <c>aws_role_arns</c>.
/// </summary>
internal sealed record IdpUser(string Id, string Password, string Email, IReadOnlyList<string> Groups, IReadOnlyList<string> AwsRoleArns);
