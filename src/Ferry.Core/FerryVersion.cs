using System.Reflection;

namespace Ferry.Core;

/// <summary>The version every component reports (from the assembly's informational version).</summary>
public static class FerryVersion
{
    public static readonly string Current =
        (typeof(FerryVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];
}
