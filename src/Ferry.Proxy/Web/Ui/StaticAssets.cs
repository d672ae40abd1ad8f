using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Ferry.Proxy.Web.Ui;

/// <summary>
/// The UI's CSS, script and icon, embedded in the assembly (Assets/) and served from /web/assets/. Pages link them
/// with a content hash in the query (<c>?v=</c>), so browsers may cache them for long and still see a new release.
/// </summary>
internal sealed class StaticAssets
{
    public const string PathPrefix = "/web/assets/";
    private const string ResourcePrefix = "FerryWebUi/";

    private readonly FrozenDictionary<string, Asset> _assets;

    private StaticAssets(FrozenDictionary<string, Asset> assets)
    {
        _assets = assets;
    }

    public static StaticAssets Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            var bytes = Read(assembly, resource);
            var version = Convert.ToHexStringLower(SHA256.HashData(bytes))[..12];
            assets[name] = new Asset(bytes, ContentType(name), version);
        }

        return new StaticAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The URL a page links: /web/assets/NAME?v=HASH.</summary>
    public string Url(string name) =>
        _assets.TryGetValue(name, out var asset)
            ? $"{PathPrefix}{name}?v={asset.Version}"
            : throw new InvalidOperationException($"web UI asset {name} is not embedded in the proxy assembly");

    public IResult Serve(HttpContext context, string name)
    {
        if (!_assets.TryGetValue(name, out var asset))
        {
            return Results.NotFound();
        }

        context.Response.Headers.CacheControl = "public, max-age=86400";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ETag = $"\"{asset.Version}\"";
        if (context.Request.Headers.IfNoneMatch.ToString() == $"\"{asset.Version}\"")
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Bytes, string ContentType, string Version);
}
