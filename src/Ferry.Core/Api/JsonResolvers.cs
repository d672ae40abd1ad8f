using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Ferry.Core.Api;

/// <summary>
/// Source-generated JSON metadata first, reflection only where the process allows it. tsh is published as a native
/// (AOT) executable, where reflection-based serialisation is off and the guard below lets the compiler drop it; the
/// servers run on the JIT and keep reflection for types no context lists.
/// </summary>
public static class JsonResolvers
{
    /// <summary>Why the suppressions below are sound: the reflection path runs only where the runtime enables it (never in native tsh).</summary>
    public const string ReflectionOnlyWhereEnabled = "Runs only when JsonSerializer.IsReflectionEnabledByDefault, which native (AOT) builds turn off.";

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = ReflectionOnlyWhereEnabled)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = ReflectionOnlyWhereEnabled)]
    public static IJsonTypeInfoResolver WithReflectionFallback(IJsonTypeInfoResolver generated)
    {
        if (JsonSerializer.IsReflectionEnabledByDefault)
        {
            return JsonTypeInfoResolver.Combine(generated, new DefaultJsonTypeInfoResolver());
        }

        return generated;
    }
}
