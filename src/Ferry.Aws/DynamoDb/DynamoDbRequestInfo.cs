using System.Text.Json;

namespace Ferry.Aws.DynamoDb;

/// <summary>
/// The audit fields of a DynamoDB request (docs/aws-access.md §7, §9.1): the X-Amz-Target operation and the tables
/// it names. Extraction never throws: a body that is not JSON simply yields no tables.
/// </summary>
public sealed class DynamoDbRequestInfo
{
    private DynamoDbRequestInfo(string? target, IReadOnlyList<string> tableNames)
    {
        Target = target;
        TableNames = tableNames;
    }

    /// <summary>X-Amz-Target as sent, e.g. <c>DynamoDB_20120810.Scan</c>.</summary>
    public string? Target { get; }

    /// <summary>The operation part of the target, e.g. <c>Scan</c>.</summary>
    public string? Operation => Target is { } t && t.LastIndexOf('.') is var dot and >= 0 ? t[(dot + 1)..] : Target;

    /// <summary>Distinct table names in order of appearance.</summary>
    public IReadOnlyList<string> TableNames { get; }

    /// <summary>True for the signing names whose requests get the DynamoDB audit event: <c>dynamodb</c> and <c>dax</c>.</summary>
    public static bool IsDynamoDbService(string? signingService) => signingService is "dynamodb" or "dax";

    /// <summary>
    /// Reads <c>TableName</c>, <c>GlobalTableName</c>, the keys of <c>RequestItems</c> (BatchGetItem, BatchWriteItem),
    /// <c>TransactItems[*].{Get,Put,Update,Delete,ConditionCheck}.TableName</c>, and the table of a table
    /// <c>ResourceArn</c> (TagResource and friends).
    /// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html
    /// </summary>
    public static DynamoDbRequestInfo Extract(string? amzTarget, ReadOnlySpan<byte> body)
    {
        var tables = new List<string>();
        if (!body.IsEmpty)
        {
            try
            {
                var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
                using var document = JsonDocument.ParseValue(ref reader);
                Collect(document.RootElement, tables);
            }
            catch (JsonException)
            {
                // Not JSON (or truncated): audit the target without tables.
            }
        }

        return new DynamoDbRequestInfo(string.IsNullOrEmpty(amzTarget) ? null : amzTarget, tables);
    }

    /// <summary>
    /// The request body as a JSON object for the audit event's <c>body</c> field, only for the JSON content types
    /// the reference records (application/json, application/x-amz-json-1.0/1.1); false when absent or undecodable.
    /// </summary>
    public static bool TryParseAuditBody(string? contentType, ReadOnlySpan<byte> body, out JsonElement json)
    {
        json = default;
        var mediaType = contentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
        if (mediaType is not ("application/json" or "application/x-amz-json-1.0" or "application/x-amz-json-1.1") || body.IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            json = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void Collect(JsonElement root, List<string> tables)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        AddString(root, "TableName", tables);
        AddString(root, "GlobalTableName", tables);
        if (root.TryGetProperty("RequestItems", out var items) && items.ValueKind == JsonValueKind.Object)
        {
            foreach (var table in items.EnumerateObject())
            {
                Add(table.Name, tables);
            }
        }

        if (root.TryGetProperty("TransactItems", out var transact) && transact.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in transact.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var operation in item.EnumerateObject())
                {
                    if (operation.Value.ValueKind == JsonValueKind.Object)
                    {
                        AddString(operation.Value, "TableName", tables);
                    }
                }
            }
        }

        // arn:aws:dynamodb:us-east-1:123456789012:table/Name[/stream/...|/index/...]
        if (root.TryGetProperty("ResourceArn", out var arn) && arn.ValueKind == JsonValueKind.String
            && arn.GetString() is { } value && value.IndexOf(":table/", StringComparison.Ordinal) is var at and >= 0)
        {
            var name = value[(at + 7)..];
            Add(name.Contains('/', StringComparison.Ordinal) ? name[..name.IndexOf('/', StringComparison.Ordinal)] : name, tables);
        }
    }

    private static void AddString(JsonElement obj, string property, List<string> tables)
    {
        if (obj.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String)
        {
            Add(value.GetString(), tables);
        }
    }

    private static void Add(string? name, List<string> tables)
    {
        if (!string.IsNullOrEmpty(name) && !tables.Contains(name))
        {
            tables.Add(name);
        }
    }
}
