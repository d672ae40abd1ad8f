namespace Ferry.Hosting.Diagnostics;

/// <summary>
/// One condition a service needs to serve (storage reachable, caches in sync, a tunnel up), answered by
/// teleport.diag_addr's /readyz: <see cref="Probe"/> returns null when it holds, otherwise why not (no secrets).
/// </summary>
public sealed record ReadinessCheck(string Name, Func<CancellationToken, ValueTask<string?>> Probe);
