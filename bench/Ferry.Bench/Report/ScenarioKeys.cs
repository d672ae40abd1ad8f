namespace Ferry.Bench.Report;

/// <summary>The GetItem paths, by key (stable in the JSON).</summary>
internal static class ScenarioKeys
{
    public const string StaticEndpointUrl = "static-endpoint-url";
    public const string StaticHttpsProxy = "static-https-proxy";
    public const string StaticNoTsh = "static-no-tsh";
    public const string MotoEndpointUrl = "moto-endpoint-url";
}
