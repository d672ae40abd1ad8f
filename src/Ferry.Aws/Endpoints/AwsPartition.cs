namespace Ferry.Aws.Endpoints;

/// <summary>
/// The AWS partitions Ferry serves, chosen from a region name. Other partitions (the ISO ones) are not
/// reachable through <c>.amazonaws.com</c> and are not supported.
/// https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
/// </summary>
public sealed class AwsPartition
{
    private AwsPartition(string id, string dnsSuffix, string federationEndpoint)
    {
        Id = id;
        DnsSuffix = dnsSuffix;
        FederationEndpoint = federationEndpoint;
    }

    public static AwsPartition Aws { get; } = new("aws", "amazonaws.com", "https://signin.aws.amazon.com/federation");

    public static AwsPartition China { get; } = new("aws-cn", "amazonaws.com.cn", "https://signin.amazonaws.cn/federation");

    public static AwsPartition GovCloud { get; } = new("aws-us-gov", "amazonaws.com", "https://signin.amazonaws-us-gov.com/federation");

    /// <summary><c>aws</c>, <c>aws-cn</c> or <c>aws-us-gov</c>, as in ARNs.</summary>
    public string Id { get; }

    public string DnsSuffix { get; }

    /// <summary>The console sign-in federation endpoint (docs/aws-access.md §3.4 step 5).</summary>
    public string FederationEndpoint { get; }

    /// <summary><c>cn-*</c> is aws-cn, <c>us-gov-*</c> is aws-us-gov, anything else aws.</summary>
    public static AwsPartition ForRegion(string region)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (region.StartsWith("cn-", StringComparison.Ordinal))
        {
            return China;
        }

        return region.StartsWith("us-gov-", StringComparison.Ordinal) ? GovCloud : Aws;
    }

    public override string ToString() => Id;
}
