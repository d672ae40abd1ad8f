namespace Ferry.Storage;

/// <summary>A precondition of an atomic write on one key.</summary>
public abstract record Condition(string Key)
{
    public sealed record MustExist(string Key) : Condition(Key);
    public sealed record MustNotExist(string Key) : Condition(Key);
    public sealed record RevisionIs(string Key, long Revision) : Condition(Key);
}

/// <summary>One change of an atomic write.</summary>
public abstract record WriteAction(string Key)
{
    public sealed record Put(Item Item) : WriteAction(Item.Key);
    public sealed record Delete(string Key) : WriteAction(Key);
}
