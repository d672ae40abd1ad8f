namespace Ferry.Aws.Sts;

/// <summary>What makes two AssumeRole calls interchangeable. The duration is part of it: console sessions ask for their own.</summary>
internal readonly record struct StsCacheKey(string RoleArn, string? ExternalId, string SessionName, string? SourceIdentity, int? DurationSeconds);
