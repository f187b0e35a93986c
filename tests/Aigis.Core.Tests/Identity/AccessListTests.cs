using Aigis.Core.Identity;

namespace Aigis.Core.Tests.Identity;

public sealed class AccessListTests
{
    [Theory]
    [InlineData("gpt-*", "gpt-4o", true)]
    [InlineData("gpt-*", "gpt-", true)]
    [InlineData("gpt-*", "GPT-4o", false)]
    [InlineData("gpt-?o", "gpt-4o", true)]
    [InlineData("gpt-?o", "gpt-40o", false)]
    [InlineData("*-8b", "llama-3-8b", true)]
    [InlineData("*-8b", "llama-3-8b-instruct", false)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("meta-llama/*", "meta-llama/Llama-3-8B", true)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "exact2", false)]
    [InlineData("*", "", true)]
    public void Globs_match_whole_names_ordinally(string pattern, string name, bool expected) =>
        Assert.Equal(expected, NamePattern.Matches(pattern, name));

    [Fact]
    public void A_pathological_pattern_stays_fast_and_correct()
    {
        var name = new string('a', 5000);
        var pattern = string.Concat(Enumerable.Repeat("*a", 100)) + "b";

        Assert.False(NamePattern.Matches(pattern, name));
    }

    [Fact]
    public void Lists_allow_exact_names_and_globs_and_nothing_else()
    {
        var list = new AccessList(["sim-embed", "gpt-*"]);

        Assert.True(list.Allows("sim-embed"));
        Assert.True(list.Allows("gpt-4o"));
        Assert.False(list.Allows("sim-embed "));
        Assert.False(list.Allows("claude"));
        Assert.False(list.AllowsAll);
        Assert.False(AccessList.Nothing.Allows("x"));
        Assert.True(AccessList.Everything.Allows("anything/at:all"));
    }

    [Theory]
    [InlineData("ok-name_1.2/x:y@z+w*?", true)]
    [InlineData("has space", false)]
    [InlineData("new\nline", false)]
    [InlineData("", false)]
    public void Patterns_use_a_small_alphabet(string pattern, bool valid) =>
        Assert.Equal(valid, NamePattern.IsValid(pattern, out _));
}
