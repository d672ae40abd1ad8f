using System.Text.Json;
using Ferry.Core.Api;
using Ferry.Core.Apps;

namespace Ferry.Proxy.Web.Ui.Pages;

/// <summary>What the Applications page shows of one <see cref="AppInfo"/>, read leniently from the app resource's JSON.</summary>
internal sealed record AppView(
    string Name,
    string Description,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    string PublicAddr,
    string Uri,
    bool AwsConsole,
    IReadOnlyList<AwsRoleInfo> AwsRoles)
{
    public static AppView From(AppInfo info, string? proxyPublicAddr)
    {
        var app = info.App;
        var metadata = Child(app, "metadata");
        var spec = Child(app, "spec");
        var name = Text(metadata, "name");
        var labels = new List<KeyValuePair<string, string>>();
        if (metadata is { } m && m.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Object)
        {
            labels.AddRange(l.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.ToString())));
        }

        labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var publicAddr = Text(spec, "public_addr");
        if (publicAddr.Length == 0 && proxyPublicAddr is { Length: > 0 } && name.Length > 0)
        {
            publicAddr = AppNaming.DefaultPublicAddr(name, proxyPublicAddr);
        }

        return new AppView(name, Text(metadata, "description"), labels, publicAddr, Text(spec, "uri"), info.AwsConsole, info.AwsRoles);
    }

    /// <summary>Case-insensitive match of every word of <paramref name="query"/> against name, description and labels.</summary>
    public bool Matches(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return true;
        }

        var haystack = SearchText;
        return query.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(word => haystack.Contains(word, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The text the page's script filters on, the same text as <see cref="Matches"/> (lower-cased).</summary>
    public string SearchText =>
        string.Join(' ', new[] { Name, Description }.Concat(Labels.Select(l => $"{l.Key}:{l.Value} {l.Key} {l.Value}"))).ToLowerInvariant();

    private static JsonElement? Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object ? child : null;

    private static string Text(JsonElement? element, string name) =>
        element is { } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
}
