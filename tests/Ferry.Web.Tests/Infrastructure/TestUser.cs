namespace Ferry.Web.Tests.Infrastructure;

/// <summary>A Ferry user with a password and an enrolled authenticator.</summary>
internal sealed record TestUser(string Name, string Password, TotpDevice Device);
