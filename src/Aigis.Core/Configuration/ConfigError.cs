namespace Aigis.Core.Configuration;

/// <summary>One problem in a configuration, located where the user can find it.</summary>
/// <param name="Source">The file path, or <c>env:NAME</c> for an environment override.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public sealed record ConfigError(string Source, int Line, int Column, string Message)
{
    public override string ToString() => $"{Source}:{Line}:{Column}: {Message}";
}
