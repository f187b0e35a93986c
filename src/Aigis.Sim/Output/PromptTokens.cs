namespace Aigis.Sim.Output;

/// <summary>
/// A prompt's token ids as the model would see them: text tokens plus the chat template's formatting tokens,
/// which get fixed ids so that prompts with the same structure share a prefix as they do in a real server.
/// </summary>
internal sealed class PromptTokens(PromptTokenCounter counter)
{
    // cl100k_base's special tokens start at 100257; these stand for a chat template's markers.
    private const int FormattingTokenBase = 100_264;

    private readonly List<int> _ids = [];

    public int Count => _ids.Count;

    public void AddText(string text) => counter.Encode(text, _ids);

    /// <summary>Adds <paramref name="count"/> template tokens of one kind (<paramref name="kind"/> from 0).</summary>
    public void AddFormatting(int count, int kind)
    {
        for (var i = 0; i < count; i++)
        {
            _ids.Add(FormattingTokenBase + (kind * 8) + i);
        }
    }

    public int[] ToArray() => [.. _ids];
}
