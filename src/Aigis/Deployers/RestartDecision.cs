namespace Aigis.Deployers;

/// <summary>What to do after a replica failed: start it again after <see cref="Delay"/>, or give up (crash loop).</summary>
internal readonly record struct RestartDecision(bool IsCrashLoop, TimeSpan Delay, int RecentFailures)
{
    public static RestartDecision RestartAfter(TimeSpan delay, int recentFailures) => new(false, delay, recentFailures);

    public static RestartDecision CrashLoop(int recentFailures) => new(true, TimeSpan.Zero, recentFailures);
}
