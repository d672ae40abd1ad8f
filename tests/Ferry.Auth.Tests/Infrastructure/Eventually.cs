namespace Ferry.Auth.Tests.Infrastructure;

/// <summary>Waits for a condition with a deadline (never a fixed sleep before an assert).</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {timeout} waiting until {what}");
            }

            await Task.Delay(10);
        }
    }
}
