namespace Ferry.Aws.Sts;

/// <summary>Credentials in the cache with the instants that decide when they are refreshed and when they are no longer served.</summary>
internal sealed record StsCachedCredentials(AwsSessionCredentials Credentials, DateTimeOffset RefreshAt, DateTimeOffset UsableUntil);
