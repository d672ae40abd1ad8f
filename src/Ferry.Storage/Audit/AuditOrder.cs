namespace Ferry.Storage.Audit;

/// <summary>The order of a search by (Time, Id).</summary>
public enum AuditOrder
{
    /// <summary>Newest first: what an auditor reads.</summary>
    Descending,

    /// <summary>Oldest first: for exporting the log forward.</summary>
    Ascending,
}
