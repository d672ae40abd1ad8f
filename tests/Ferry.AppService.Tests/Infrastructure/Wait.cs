namespace Ferry.AppService.Tests.Infrastructure;

/// <summary>Waits for a condition with a deadline: the only way these tests synchronise with background loops.</summary>
internal static class Wait
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static Task UntilAsync(Func<bool> condition, string what) => UntilAsync(() => Task.FromResult(condition()), what);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"timed out after {Deadline.TotalSeconds:0} s waiting until {what}");
            }

            await Task.Delay(10);
        }
    }
}
