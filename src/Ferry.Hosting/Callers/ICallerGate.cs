using Ferry.Core.Errors;
using Ferry.Core.Identity;

namespace Ferry.Hosting.Callers;

/// <summary>
/// What a component checks about a verified identity before acting for it: locks, revocations, and whether its view
/// of them is fresh enough to decide (auth reads its own storage; proxies and agents their watch-fed caches).
/// </summary>
public interface ICallerGate
{
    /// <summary>Null when <paramref name="identity"/> may act now; otherwise the error to answer with.</summary>
    FerryException? Refusal(FerryIdentity identity);
}
