using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ferry.Auth.Tests.Infrastructure;

/// <summary>
/// The routes a built host really maps, as "METHOD pattern" (e.g. "GET /v1/roles/{name}"; "* pattern" for a route
/// that takes every method), read from its <see cref="EndpointDataSource"/>: what completeness tests compare their
/// tables against, so a new route without a row fails.
/// </summary>
internal static class MappedRoutes
{
    public const string AnyMethod = "*";

    public static IReadOnlySet<string> Of(WebApplication app)
    {
        var routes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
            foreach (var method in methods is { Count: > 0 } ? methods : [AnyMethod])
            {
                routes.Add($"{method} {pattern}");
            }
        }

        return routes;
    }

    /// <summary>What completeness asserts: every mapped route has a row and every row names a mapped route.</summary>
    public static void AssertCovered(IReadOnlySet<string> mapped, IEnumerable<string> table, string tableName)
    {
        var covered = table.ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(mapped);
        var missing = mapped.Where(r => !covered.Contains(r)).ToList();
        var stale = covered.Where(r => !mapped.Contains(r)).Order(StringComparer.Ordinal).ToList();
        Assert.True(
            missing.Count == 0 && stale.Count == 0,
            (missing.Count == 0 ? "" : $"routes without a refusal row in {tableName} (add one):\n  {string.Join("\n  ", missing)}\n")
            + (stale.Count == 0 ? "" : $"rows in {tableName} for routes that are no longer mapped (remove them):\n  {string.Join("\n  ", stale)}\n"));
    }
}
