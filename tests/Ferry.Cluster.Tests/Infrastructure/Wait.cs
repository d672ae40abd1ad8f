namespace Ferry.Cluster.Tests.Infrastructure;

/// <summary>Waiting for a condition with a deadline: the only way these tests synchronise with background loops.</summary>
internal static class Wait
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"gave up waiting for {what}");
            }

            await Task.Delay(10);
        }
    }

    public static async Task<T> ForAsync<T>(Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Deadline);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"gave up waiting for {what}");
        }
    }

    public static async Task ForAsync(Task task, string what)
    {
        try
        {
            await task.WaitAsync(Deadline);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"gave up waiting for {what}");
        }
    }
}
