using Ferry.Aws.DynamoDb;
using Ferry.Cluster.Audit;
using Ferry.Aws.Endpoints;
using Ferry.Aws.Operations;
using Ferry.Aws;
using Ferry.Aws.SigV4;
using Ferry.Aws.SigV4.Streaming;
using Ferry.Aws.Sts;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Ferry.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Ferry.AppService.Aws;

/// <summary>
/// Sends one SigV4-signed request on to AWS as the user's IAM role (docs/aws-access.md §1.7–§1.10):
/// <code>
///   resolve the endpoint (X-Forwarded-Host, else the credential scope; AWS_ENDPOINT_URL* override, to which an S3
///   bucket addressed by host is sent by path)
///   → credentials for (role, external id, user) from the STS cache (no STS call while cached)
///   → drop reserved headers, re-sign with those credentials (headers that were not signed are kept unsigned);
///     a presigned request loses its X-Amz-* query parameters and is signed with an Authorization header instead;
///     a chunk-signed body is re-signed chunk by chunk under the new seed signature as it streams
///   → stream to AWS → stream AWS's answer back unchanged (the caller emits the one audit event)
/// </code>
/// </summary>
internal sealed class AwsForwarder
{
    /// <summary>Bodies up to this size are read to hash them (or for DynamoDB audit); larger ones stream.</summary>
    private const int BufferLimit = 1024 * 1024;

    /// <summary>Query-protocol form bodies up to this size are read to name their Action in the audit event.</summary>
    private const int FormLimit = 64 * 1024;

    private readonly AwsEndpointResolver _endpoints;
    private readonly StsCredentialCache _sts;
    private readonly SigV4Resigner _resigner;
    private readonly HttpClient _upstream;

    public AwsForwarder(AwsEndpointResolver endpoints, StsCredentialCache sts, SigV4Resigner resigner, HttpClient upstream)
    {
        _endpoints = endpoints;
        _sts = sts;
        _resigner = resigner;
        _upstream = upstream;
    }

    /// <summary>Forwards the request; what it learns on the way (AWS host, DynamoDB target and tables) goes into <paramref name="audit"/>.</summary>
    public async Task ForwardAsync(HttpContext context, FerryIdentity identity, App app, SigV4RequestSignature authorization, AppRequestAudit audit)
    {
        var request = context.Request;
        var ct = context.RequestAborted;
        var route = identity.RouteToApp!;
        var (rawPath, clientQuery) = RequestTarget.Raw(context);
        // A presigned request is signed anew with an Authorization header rather than presigned again: one signing path
        // for both forms, the role's session token in a header instead of a URL that logs keep, and the client's expiry
        // was already enforced where its signature was verified (the local proxy). Its X-Amz-* parameters go.
        var presigned = authorization.Location == SigV4SignatureLocation.Query;
        var rawQuery = presigned ? SigV4QueryParameters.WithoutSigningParameters(clientQuery) : clientQuery;
        var forwardedHosts = request.Headers["X-Forwarded-Host"].Where(h => !string.IsNullOrEmpty(h)).Select(h => h!).ToList();
        var endpoint = _endpoints.Resolve(forwardedHosts.Count == 0 ? null : forwardedHosts, authorization.Service, authorization.Region);
        audit.Set("aws_host", endpoint.Authority);

        var (payload, body) = await ReadPayloadAsync(request, authorization.Service, ct);
        var operation = AwsOperations.Describe(authorization.Service, request.Method, rawPath, rawQuery, request.Headers["X-Amz-Target"].ToString(),
            forwardedHosts.Count == 1 ? forwardedHosts[0] : null, body is not null && IsForm(request) ? System.Text.Encoding.UTF8.GetString(body) : null);
        audit.Set("aws_operation", operation.Name).Set("s3_bucket", operation.Bucket).Set("s3_key", operation.Key).Set("lambda_function", operation.Function);
        if (DynamoDbRequestInfo.IsDynamoDbService(authorization.Service))
        {
            var info = DynamoDbRequestInfo.Extract(request.Headers["X-Amz-Target"].ToString(), body ?? []);
            audit.Set("target", info.Target).Set("table_names", info.TableNames.Count > 0 ? info.TableNames : null);
        }

        var sourceIdentity = app.Spec.Aws?.SourceIdentity == true ? RoleSessionName.FromUser(identity.Username) : null;
        var credentials = await _sts.GetAsync(route.AwsRoleArn!, app.Spec.Aws?.ExternalId, RoleSessionName.FromUser(identity.Username), sourceIdentity, ct: ct);

        var headers = new List<KeyValuePair<string, string>>(request.Headers.Count);
        foreach (var (name, values) in request.Headers)
        {
            if (ReservedHeaders.IsReserved(name) || name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            headers.Add(new(name, values.ToString()));
        }

        if (presigned && IsS3(authorization.Service) && !request.Headers.ContainsKey(SigV4Constants.AmzContentSha256Header))
        {
            // S3 wants the payload hash in a header on header-signed requests; a presigned one's payload was never signed.
            headers.Add(new(SigV4Constants.AmzContentSha256Header, SigV4Constants.UnsignedPayload));
        }

        headers.Add(new("Host", endpoint.Authority));
        if (IsS3(authorization.Service) && endpoint.Source == AwsEndpointSource.EnvironmentOverride
            && forwardedHosts.Count == 1 && S3VirtualHost.Bucket(forwardedHosts[0]) is { } bucket)
        {
            // The client addressed the bucket by host; the overridden endpoint (the sandbox, MinIO, an IP) serves it
            // by path. Signed as sent.
            rawPath = S3VirtualHost.PathStyle(bucket, rawPath);
        }

        var upstreamPath = endpoint.GetUpstreamPath(rawPath);
        var outgoing = new SigV4Request(request.Method, endpoint.Authority, upstreamPath, rawQuery, headers);
        var signed = _resigner.Resign(outgoing, payload, authorization.SignedHeaders, authorization.Region, authorization.Service, credentials.Credentials);

        using var message = new HttpRequestMessage(new HttpMethod(request.Method), endpoint.BuildRequestUri(upstreamPath, rawQuery));
        var contentSha256 = request.Headers["X-Amz-Content-Sha256"].ToString();
        await using var chunked = IsChunkSigned(contentSha256)
            ? AwsChunkedStream.Resigning(request.Body, ChunkSignatureChain.ForResigned(signed, authorization.Region, authorization.Service, credentials.Credentials),
                trailer: contentSha256 == SigV4Constants.StreamingSignedPayloadTrailer, decodedLength: null)
            : null;
        message.Content = body is not null ? new ByteArrayContent(body)
            : chunked is not null ? new StreamContent(chunked)
            : HasBody(request) ? new StreamContent(request.Body) : null;
        foreach (var (name, value) in signed.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.Host = value;
            }
            else if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                message.Content ??= new ByteArrayContent([]);
                if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    message.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (message.Content is StreamContent && request.ContentLength is { } length)
        {
            message.Content.Headers.ContentLength = length;
        }

        try
        {
            using var response = await _upstream.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
            await ProxiedResponses.CopyAsync(context, response);
        }
        catch (HttpRequestException e) when (AwsChunkedException.Find(e) is { } malformed)
        {
            throw FerryException.BadParameter(malformed.Message);
        }
        catch (HttpRequestException e)
        {
            throw FerryException.Unavailable($"cannot reach AWS at {endpoint.Authority}: {ExceptionMessages.WithCauses(e)}", e);
        }
    }

    private async Task<(SigV4Payload Payload, byte[]? Body)> ReadPayloadAsync(HttpRequest request, string service, CancellationToken ct)
    {
        var declaredHash = request.Headers["X-Amz-Content-Sha256"].ToString();
        if (SigV4a.IsUsedBy(null, null, declaredHash))
        {
            throw FerryException.NotImplemented(SigV4a.Refusal);
        }

        // A hashed body is read whole to check it (70 MB, the reference system's cap); a literal one may stream (5 GiB).
        var limit = AwsBodyLimits.MaxBytes(declaredHash);
        if (request.ContentLength > limit)
        {
            throw FerryException.LimitExceeded($"request body is larger than {AwsBodyLimits.Describe(limit)}");
        }

        if (IsChunkSigned(declaredHash))
        {
            // Re-signed chunk by chunk as it streams (ForwardAsync); never read here.
            return (SigV4Payload.FromHash(declaredHash), null);
        }

        // DynamoDB bodies name the tables, query-protocol form bodies the Action (STS, SQS, IAM): both are read for the
        // audit event, small as they are; everything else streams when its hash is known.
        var readForAudit = DynamoDbRequestInfo.IsDynamoDbService(service) || (IsForm(request) && request.ContentLength is <= FormLimit);
        var knownHash = SigV4Constants.IsUnsignedPayloadLiteral(declaredHash) || declaredHash.Length == 64;
        if (knownHash && (!readForAudit || request.ContentLength is null or > BufferLimit))
        {
            return (SigV4Payload.FromHash(declaredHash), null);
        }

        if (!HasBody(request))
        {
            return (SigV4Payload.Empty, null);
        }

        using var buffer = new MemoryStream(request.ContentLength is { } size and <= BufferLimit ? (int)size : BufferLimit);
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw FerryException.LimitExceeded($"request body is larger than {AwsBodyLimits.Describe(limit)}");
            }

            buffer.Write(chunk, 0, read);
        }

        var body = buffer.ToArray();
        return (knownHash ? SigV4Payload.FromHash(declaredHash) : SigV4Payload.FromBody(body), body);
    }

    private static bool IsChunkSigned(string contentSha256) =>
        contentSha256 is SigV4Constants.StreamingSignedPayload or SigV4Constants.StreamingSignedPayloadTrailer;

    private static bool IsForm(HttpRequest request) =>
        request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;

    private static bool IsS3(string service) => string.Equals(service, "s3", StringComparison.Ordinal);

    private static bool HasBody(HttpRequest request) => RequestBodies.IsPresent(request);
}
