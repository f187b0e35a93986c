namespace Aigis.Rollouts;

/// <summary>
/// What <c>aigis deploy</c> changes in a service's version: an image (container runtimes), a command or its arguments
/// (the process runtime). Null fields keep what runs now. Arguments are words already (the CLI split them as a shell
/// does), placeholders <c>{port}</c> and <c>{replica}</c> kept for the runtime to expand.
/// </summary>
internal sealed record RolloutChange(string? Image, string? Command, IReadOnlyList<string>? Args)
{
    public bool IsEmpty => Image is null && Command is null && Args is null;

    /// <summary>This change on top of an earlier one: the fields this one sets win, the others carry over.</summary>
    public RolloutChange Over(RolloutChange? earlier) =>
        earlier is null ? this : new(Image ?? earlier.Image, Command ?? earlier.Command, Args ?? earlier.Args);

    public bool Equals(RolloutChange? other) =>
        other is not null && Image == other.Image && Command == other.Command &&
        (Args is null ? other.Args is null : other.Args is not null && Args.SequenceEqual(other.Args, StringComparer.Ordinal));

    public override int GetHashCode() => HashCode.Combine(Image, Command, Args?.Count);
}
