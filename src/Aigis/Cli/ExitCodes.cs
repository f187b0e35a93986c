namespace Aigis.Cli;

/// <summary>Exit codes every command uses (DESIGN.md).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int RuntimeFailure = 1;
    public const int BadInput = 2;

    /// <summary><c>aigis deploy</c>: the rollout failed its checks and was rolled back; the previous version runs.</summary>
    public const int RolledBack = 3;
}
