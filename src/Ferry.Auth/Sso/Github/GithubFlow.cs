using System.Net.Http.Headers;
using System.Text.Json;
using Ferry.Auth.Sso.Oidc;
using Ferry.Core.Errors;
using Ferry.Core.Resources;

namespace Ferry.Auth.Sso.Github;

/// <summary>
/// GitHub's OAuth web flow (docs/sso.md): <c>state</c> is the request id; the code is exchanged with the client secret,
/// and the user's login and teams are read from GitHub's API with the user's own token (scope <c>read:org</c>). The
/// traits are Teleport's: <c>logins</c> (the GitHub login), <c>github_teams</c> (team slugs) and <c>github_orgs</c>.
/// </summary>
internal sealed class GithubFlow : IIdentityProviderFlow
{
    private const string DefaultWeb = "https://github.com";
    private const string DefaultApi = "https://api.github.com";
    private const int MaxTeamPages = 10;

    private readonly IdpHttp _http;

    public GithubFlow(IdpHttp http)
    {
        _http = http;
    }

    public string Kind => ResourceKinds.Github;

    public ValueTask<(Uri Redirect, SsoRequest Request)> BeginAsync(IAuthConnector connector, SsoRequest request, CancellationToken cancellationToken)
    {
        var github = (GithubConnector)connector;
        var query = OidcFlow.FormQuery(
        [
            ("client_id", github.Spec.ClientId),
            ("redirect_uri", request.CallbackUrl),
            ("scope", "read:org"),
            ("state", request.Id),
        ]);
        return ValueTask.FromResult((new Uri(Web(github) + "/login/oauth/authorize?" + query), request));
    }

    public async ValueTask<ExternalIdentity> CompleteAsync(IAuthConnector connector, SsoRequest? request, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var github = (GithubConnector)connector;
        if (request is null)
        {
            throw FerryException.AccessDenied("GitHub login refused: the answer names no login in progress");
        }

        if (parameters.TryGetValue("error", out var error))
        {
            throw FerryException.AccessDenied($"GitHub refused the login: {error}{(parameters.TryGetValue("error_description", out var d) ? ": " + d : "")}");
        }

        var code = parameters.GetValueOrDefault("code");
        if (string.IsNullOrEmpty(code))
        {
            throw FerryException.AccessDenied("GitHub login refused: GitHub sent no authorization code");
        }

        var token = await ExchangeAsync(github, request, code, cancellationToken);
        var user = await ApiAsync(github, token, "/user", cancellationToken);
        var login = user.ValueKind == JsonValueKind.Object && user.TryGetProperty("login", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : "";
        if (login.Length == 0)
        {
            throw FerryException.AccessDenied("GitHub login refused: GitHub's /user answer has no login");
        }

        var teams = new List<(string Org, string Slug)>();
        for (var page = 1; page <= MaxTeamPages; page++)
        {
            var answer = await ApiAsync(github, token, $"/user/teams?per_page=100&page={page}", cancellationToken);
            if (answer.ValueKind != JsonValueKind.Array)
            {
                throw FerryException.AccessDenied("GitHub login refused: GitHub's /user/teams answer is not a list");
            }

            foreach (var team in answer.EnumerateArray())
            {
                if (team.TryGetProperty("slug", out var slug) && slug.ValueKind == JsonValueKind.String
                    && team.TryGetProperty("organization", out var org) && org.ValueKind == JsonValueKind.Object
                    && org.TryGetProperty("login", out var orgLogin) && orgLogin.ValueKind == JsonValueKind.String)
                {
                    teams.Add((orgLogin.GetString()!, slug.GetString()!));
                }
            }

            if (answer.GetArrayLength() < 100)
            {
                break;
            }
        }

        var traits = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["logins"] = [login],
            ["github_teams"] = teams.Select(t => t.Slug).Distinct(StringComparer.Ordinal).ToList(),
            ["github_orgs"] = teams.Select(t => t.Org).Distinct(StringComparer.Ordinal).ToList(),
        };
        var matches = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            [SsoRoles.GithubTeams] = teams.Select(t => $"{t.Org}/{t.Slug}").Distinct(StringComparer.Ordinal).ToList(),
        };
        return new ExternalIdentity(login, login, traits, matches);
    }

    private async Task<string> ExchangeAsync(GithubConnector github, SsoRequest request, string code, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, Web(github) + "/login/oauth/access_token")
        {
            Content = new FormUrlEncodedContent(
            [
                new("client_id", github.Spec.ClientId),
                new("client_secret", github.Spec.ClientSecret ?? ""),
                new("code", code),
                new("redirect_uri", request.CallbackUrl),
            ]),
        };
        message.Headers.Accept.ParseAdd("application/json");
        var (_, body) = await _http.SendJsonAsync(message, "GitHub's token endpoint", cancellationToken);
        // GitHub answers a bad code or secret with 200 and {"error": ...}.
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error))
        {
            var description = body.TryGetProperty("error_description", out var d) ? d.GetString() : null;
            throw FerryException.AccessDenied($"GitHub refused the authorization code: {error}{(description is null ? "" : ": " + description)}");
        }

        return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("access_token", out var token) && token.ValueKind == JsonValueKind.String
            ? token.GetString()!
            : throw FerryException.AccessDenied("GitHub's token endpoint answered without an access token");
    }

    private async Task<JsonElement> ApiAsync(GithubConnector github, string token, string path, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, Api(github) + path);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        message.Headers.Accept.ParseAdd("application/vnd.github+json");
        message.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        var (status, body) = await _http.SendJsonAsync(message, "GitHub's API", cancellationToken);
        return (int)status == 200
            ? body
            : throw FerryException.AccessDenied($"GitHub's API answered {(int)status} for {path.Split('?')[0]}; the connector needs the read:org scope");
    }

    private static string Web(GithubConnector github) => (github.Spec.EndpointUrl ?? DefaultWeb).TrimEnd('/');

    private static string Api(GithubConnector github) => (github.Spec.ApiEndpointUrl ?? (github.Spec.EndpointUrl is { } web ? web.TrimEnd('/') + "/api/v3" : DefaultApi)).TrimEnd('/');
}
