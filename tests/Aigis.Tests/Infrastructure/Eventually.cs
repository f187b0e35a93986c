namespace Aigis.Tests.Infrastructure;

/// <summary>
/// Polls a condition until it holds or a deadline passes. For state that changes in other processes (a pid
/// gone, a port closed, a replica restarted), where there is no event to await; never a fixed sleep.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(50);

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, Func<string> failure) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, failure);

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> failure)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var timer = new PeriodicTimer(s_interval);
        while (!await condition())
        {
            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"Not true within {timeout.TotalSeconds}s: {failure()}");
            }

            await timer.WaitForNextTickAsync(CancellationToken.None);
        }
    }
}
