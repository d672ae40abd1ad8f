namespace Ferry.Storage;

public enum BackendEventType
{
    /// <summary>First event of every watch: the watch is live, later changes will be delivered.</summary>
    Init,
    Put,
    Delete,
}

/// <summary>A change seen by a watcher. For <see cref="BackendEventType.Delete"/> only the key and revision are meaningful.</summary>
public sealed record BackendEvent(BackendEventType Type, Item Item);
