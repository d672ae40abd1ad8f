namespace Ferry.Aws.Endpoints;

/// <summary>
/// The two ways a SigV4 signing name differs from what an endpoint needs: the endpoint prefix of the
/// service's host name, and the service id that names its AWS_ENDPOINT_URL_&lt;SERVICE&gt; variable.
/// Only the differences are listed; every other service uses its signing name for both.
/// Sources: the endpoint-prefix and serviceId fields of each service model (botocore data/*/service-2.json) and
/// https://docs.aws.amazon.com/sdkref/latest/guide/ss-endpoints-table.html
/// </summary>
internal static class AwsServiceNames
{
    private static readonly Dictionary<string, string> EndpointPrefixes = new(StringComparer.Ordinal)
    {
        ["ses"] = "email",
        ["ecr"] = "api.ecr",
        ["ecr-public"] = "api.ecr-public",
        ["mobiletargeting"] = "pinpoint",
        ["sagemaker"] = "api.sagemaker",
        ["appstream"] = "appstream2",
        ["awsssooidc"] = "oidc",
        ["sso"] = "portal.sso",
        ["iotdata"] = "data-ats.iot",
        ["aws-marketplace"] = "metering.marketplace",
    };

    private static readonly Dictionary<string, string> ServiceIds = new(StringComparer.Ordinal)
    {
        ["execute-api"] = "API_GATEWAY",
        ["apigateway"] = "API_GATEWAY",
        ["logs"] = "CLOUDWATCH_LOGS",
        ["monitoring"] = "CLOUDWATCH",
        ["events"] = "EVENTBRIDGE",
        ["states"] = "SFN",
        ["es"] = "OPENSEARCH",
        ["email"] = "SES",
        ["mobiletargeting"] = "PINPOINT",
        ["cognito-idp"] = "COGNITO_IDENTITY_PROVIDER",
        ["elasticloadbalancing"] = "ELASTIC_LOAD_BALANCING",
        ["elasticfilesystem"] = "EFS",
        ["elasticmapreduce"] = "EMR",
        ["kinesisanalytics"] = "KINESIS_ANALYTICS",
        ["secretsmanager"] = "SECRETS_MANAGER",
        ["route53"] = "ROUTE_53",
        ["tagging"] = "RESOURCE_GROUPS_TAGGING_API",
        ["aps"] = "AMP",
        ["airflow"] = "MWAA",
        ["awsssooidc"] = "SSO_OIDC",
        ["iotdata"] = "IOT_DATA_PLANE",
    };

    public static string EndpointPrefix(string signingName) =>
        EndpointPrefixes.TryGetValue(signingName, out var prefix) ? prefix : signingName;

    /// <summary>The suffix of AWS_ENDPOINT_URL_&lt;SERVICE&gt;: the service id upper-cased, spaces and hyphens as underscores.</summary>
    public static string EnvironmentSuffix(string signingName) =>
        ServiceIds.TryGetValue(signingName, out var id) ? id : ToEnvironmentSuffix(signingName);

    public static string ToEnvironmentSuffix(string serviceId) =>
        serviceId.ToUpperInvariant().Replace(' ', '_').Replace('-', '_');
}
