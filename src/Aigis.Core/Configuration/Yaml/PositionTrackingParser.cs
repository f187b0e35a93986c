using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Remembers where the last parsing event ended, to locate failures that carry no position.</summary>
internal sealed class PositionTrackingParser(IParser inner) : IParser
{
    public Mark LastPosition { get; private set; } = Mark.Empty;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        var moved = inner.MoveNext();
        if (inner.Current is { } current)
        {
            LastPosition = current.End;
        }

        return moved;
    }
}
