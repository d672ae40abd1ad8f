using Ferry.Core.Errors;

namespace Ferry.Storage;

/// <summary>Evaluates an atomic-write condition against the live item (null when absent or expired), for every backend.</summary>
internal static class ConditionCheck
{
    /// <summary>Throws CompareFailed naming the key when <paramref name="condition"/> does not hold.</summary>
    public static void Verify(Condition condition, Item? current)
    {
        var failure = condition switch
        {
            Condition.MustExist when current is null => "must exist but does not",
            Condition.MustNotExist when current is not null => "must not exist but does",
            Condition.RevisionIs expected when current is null => $"must be at revision {expected.Revision} but does not exist",
            Condition.RevisionIs expected when current.Revision != expected.Revision =>
                $"must be at revision {expected.Revision} but is at {current.Revision}",
            Condition.MustExist or Condition.MustNotExist or Condition.RevisionIs => null,
            _ => throw FerryException.BadParameter($"unknown write condition {condition.GetType().Name}"),
        };

        if (failure is not null)
        {
            throw FerryException.CompareFailed($"atomic write condition failed: key {condition.Key} {failure}");
        }
    }
}
