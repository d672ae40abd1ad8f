using System.Text.Json;
using Ferry.Aws.Errors;

namespace Ferry.AppService.Tests.Infrastructure;

/// <summary>What the agent answered, as the AWS client behind the proxy reads it.</summary>
internal sealed record AgentAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The error detail tsh prints (X-Teleport-Api-Error); null on upstream answers.</summary>
    public string? ApiError => Header(AwsErrorWriter.ApiErrorHeader);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The __type of a JSON-protocol AWS error (what SDKs print as the exception name).</summary>
    public string? JsonErrorType => JsonDocument.Parse(Body).RootElement.GetProperty("__type").GetString();

    public static async Task<AgentAnswer> ReadAsync(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name] = string.Join(",", values);
        }

        return new AgentAnswer((int)response.StatusCode, headers, await response.Content.ReadAsStringAsync());
    }
}
