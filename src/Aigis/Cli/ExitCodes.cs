namespace Aigis.Cli;

/// <summary>Exit codes every command uses (DESIGN.md).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int RuntimeFailure = 1;
    public const int BadInput = 2;
}
