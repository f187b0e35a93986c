using System.Text;
using Aigis.Core.Balancing;

namespace Aigis.Core.Tests.Balancing;

public sealed class PromptPrefixBlocksTests
{
    private static readonly string s_system = new('s', 2_000);

    [Fact]
    public void Chats_sharing_a_system_prompt_share_its_leading_blocks_and_then_diverge()
    {
        var a = Blocks(Chat(s_system, "What is a load balancer? " + new string('a', 300)));
        var b = Blocks(Chat(s_system, "Explain prefix caching to me. " + new string('b', 300)));

        var shared = a.Zip(b).TakeWhile(p => p.First == p.Second).Count();

        Assert.Equal((s_system.Length + "system\n".Length) / PromptPrefixBlocks.BlockBytes, shared);
        Assert.True(a.Length > shared);
    }

    [Fact]
    public void Escaped_and_plain_spellings_of_the_same_text_hash_alike()
    {
        var plain = Blocks("{\"model\":\"m\",\"prompt\":\"" + new string('é', 200) + "\"}");
        var escaped = Blocks("{\"model\":\"m\",\"prompt\":\"" + string.Concat(Enumerable.Repeat("\\u00e9", 200)) + "\"}");

        Assert.NotEmpty(plain);
        Assert.Equal(plain, escaped);
    }

    [Fact]
    public void Other_fields_and_their_order_do_not_matter()
    {
        var first = Blocks("{\"temperature\":0.2,\"model\":\"a\"," + Messages(s_system, "hi") + "}");
        var second = Blocks("{" + Messages(s_system, "hi") + ",\"model\":\"b\",\"stream\":true}");

        Assert.Equal(first, second);
    }

    [Fact]
    public void Content_parts_count_like_plain_content()
    {
        var parts = Blocks("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + s_system + "\"}]}]}");

        Assert.True(parts.Length >= s_system.Length / PromptPrefixBlocks.BlockBytes);
    }

    [Fact]
    public void Stops_at_the_block_limit_and_tolerates_no_prompt()
    {
        var huge = Blocks(Chat(new string('x', 100_000), "q"));

        Assert.Equal(PromptPrefixBlocks.MaxBlocks, huge.Length);
        Assert.Empty(Blocks("{\"model\":\"m\"}"));
        Assert.Empty(Blocks("[1,2]"));
    }

    private static string Chat(string system, string question) => "{\"model\":\"m\"," + Messages(system, question) + "}";

    private static string Messages(string system, string question) =>
        "\"messages\":[{\"role\":\"system\",\"content\":\"" + system + "\"},{\"role\":\"user\",\"content\":\"" + question + "\"}]";

    private static ulong[] Blocks(string json)
    {
        var buffer = new ulong[PromptPrefixBlocks.MaxBlocks];
        var count = PromptPrefixBlocks.Compute(Encoding.UTF8.GetBytes(json), buffer);
        return buffer[..count];
    }
}
