using System.Collections.Frozen;

namespace Aigis.Core.Identity;

/// <summary>
/// The names a tenant may use (services or models), compiled once per tenant change: exact names in a frozen
/// set, globs in an array tried in order. An empty list allows nothing; <c>*</c> allows everything.
/// </summary>
public sealed class AccessList
{
    public static readonly AccessList Everything = new(["*"]);
    public static readonly AccessList Nothing = new([]);

    private readonly FrozenSet<string> _exact;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _exactBySpan;
    private readonly string[] _globs;

    public AccessList(IReadOnlyList<string> patterns)
    {
        Patterns = patterns;
        _exact = patterns.Where(p => !NamePattern.HasWildcard(p)).ToFrozenSet(StringComparer.Ordinal);
        _exactBySpan = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _globs = patterns.Where(p => NamePattern.HasWildcard(p)).Distinct(StringComparer.Ordinal).ToArray();
        AllowsAll = _globs.Contains("*");
    }

    public IReadOnlyList<string> Patterns { get; }

    /// <summary>True when the list has a bare <c>*</c>.</summary>
    public bool AllowsAll { get; }

    public bool Allows(ReadOnlySpan<char> name)
    {
        if (AllowsAll || _exactBySpan.Contains(name))
        {
            return true;
        }

        foreach (var glob in _globs)
        {
            if (NamePattern.Matches(glob, name))
            {
                return true;
            }
        }

        return false;
    }
}
