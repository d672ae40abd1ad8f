namespace Ferry.Bench.Cli;

/// <summary>The command lines the CLI part times.</summary>
internal static class CliKeys
{
    public const string AwsDirect = "aws-direct";
    public const string TshAws = "tsh-aws";
    public const string AwsViaRunningProxy = "aws-via-running-proxy";
    public const string TshAwsExecTrue = "tsh-aws-exec-true";
    public const string TshVersion = "tsh-version";
    public const string TshStatus = "tsh-status";
    public const string AwsVersion = "aws-version";
}
