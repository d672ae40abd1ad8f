using Ferry.Core.Apps;
using Ferry.Core.Errors;
using Ferry.Core.Rbac;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Auth.Apps;

/// <summary>
/// What an announced app may look like (docs/security.md, "Agents say only what they were allowed to"):
/// <list type="bullet">
/// <item>its public_addr is &lt;label&gt;.&lt;a proxy's public host&gt;, or matches auth_service.app_public_addrs, and is
/// never a proxy's own host (requests for the proxy's host always reach the proxy);</item>
/// <item>one app name has one definition cluster-wide: agents serving the same app announce it identically.</item>
/// </list>
/// </summary>
internal static class AppDefinitionRules
{
    /// <summary>The app with its public address checked (and filled in as &lt;name&gt;.&lt;first proxy host&gt; when empty).</summary>
    public static App CheckPublicAddr(App app, IReadOnlyList<string> proxyHosts, IReadOnlyList<string> allowList)
    {
        if (ResourceNames.ValidateAppName(app.Name) is { } nameError)
        {
            throw FerryException.BadParameter(nameError);
        }

        if (string.IsNullOrWhiteSpace(app.Spec.PublicAddr))
        {
            if (proxyHosts.Count == 0)
            {
                throw FerryException.BadParameter($"app \"{app.Name}\" has no public_addr and the cluster knows no proxy public address to derive one from; set public_addr");
            }

            return app with { Spec = app.Spec with { PublicAddr = $"{app.Name}.{proxyHosts[0]}" } };
        }

        var host = AppNaming.HostOf(app.Spec.PublicAddr);
        if (proxyHosts.Any(p => string.Equals(p, host, StringComparison.OrdinalIgnoreCase)))
        {
            throw FerryException.AccessDenied(
                $"app \"{app.Name}\" may not use public_addr \"{app.Spec.PublicAddr}\": that is a proxy's own address; use {app.Name}.{host} or leave public_addr out");
        }

        var underProxy = proxyHosts.Any(p => host.EndsWith("." + p, StringComparison.OrdinalIgnoreCase) && !host[..^(p.Length + 1)].Contains('.'));
        if (!underProxy && !allowList.Any(pattern => LabelMatcher.MatchesValue(pattern.ToLowerInvariant(), host.ToLowerInvariant())))
        {
            var expected = proxyHosts.Count > 0 ? $"{app.Name}.{proxyHosts[0]}" : $"{app.Name}.<proxy host>";
            throw FerryException.AccessDenied(
                $"app \"{app.Name}\" may not use public_addr \"{app.Spec.PublicAddr}\": it must be a name under a proxy's public host (e.g. {expected}) " +
                "or be allowed in auth_service.app_public_addrs");
        }

        return app;
    }

    /// <summary>Null when both announce the same app; otherwise the first field that differs, for the refusal.</summary>
    public static string? Difference(App live, App announced)
    {
        if (!string.Equals(live.Spec.Uri, announced.Spec.Uri, StringComparison.Ordinal))
        {
            return $"uri \"{announced.Spec.Uri}\" differs from \"{live.Spec.Uri}\"";
        }

        if (!string.Equals(AppNaming.HostOf(live.Spec.PublicAddr), AppNaming.HostOf(announced.Spec.PublicAddr), StringComparison.OrdinalIgnoreCase)
            || !string.Equals(live.Spec.PublicAddr, announced.Spec.PublicAddr, StringComparison.OrdinalIgnoreCase))
        {
            return $"public_addr \"{announced.Spec.PublicAddr}\" differs from \"{live.Spec.PublicAddr}\"";
        }

        if (live.Metadata.Labels.Count != announced.Metadata.Labels.Count
            || live.Metadata.Labels.Any(l => !announced.Metadata.Labels.TryGetValue(l.Key, out var v) || v != l.Value))
        {
            return "its labels differ";
        }

        if (!string.Equals(live.Spec.Cloud ?? "", announced.Spec.Cloud ?? "", StringComparison.Ordinal)
            || (live.Spec.Aws ?? new AppAws()) != (announced.Spec.Aws ?? new AppAws())
            || live.Spec.InsecureSkipVerify != announced.Spec.InsecureSkipVerify)
        {
            return "its aws settings differ";
        }

        return null;
    }
}
