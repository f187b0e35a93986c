using Aigis.Cli;

namespace Aigis.Tests.Cli;

/// <summary><c>aigis deploy --args</c> splits one string as a POSIX shell splits words, placeholders untouched.</summary>
public sealed class ShellWordsTests
{
    [Theory]
    [InlineData("--port {port} --seed {replica}", new[] { "--port", "{port}", "--seed", "{replica}" })]
    [InlineData("  a   b\tc\n", new[] { "a", "b", "c" })]
    [InlineData("--name 'two words' \"and $three\"", new[] { "--name", "two words", "and $three" })]
    [InlineData("it\\'s a\\ b", new[] { "it's", "a b" })]
    [InlineData("\"q\\\"uote\\\\d\" \"keep\\n\"", new[] { "q\"uote\\d", "keep\\n" })]
    [InlineData("'' x\"\"", new[] { "", "x" })]
    [InlineData("pre'fix'\"ed\"", new[] { "prefixed" })]
    [InlineData("", new string[0])]
    public void Splits_as_a_shell_does(string text, string[] words)
    {
        var (split, error) = ShellWords.Split(text);

        Assert.Null(error);
        Assert.Equal(words, split);
    }

    [Theory]
    [InlineData("--name 'open", "unclosed single quote at character 8")]
    [InlineData("\"open", "unclosed double quote")]
    [InlineData("end\\", "a backslash at the end escapes nothing")]
    public void Reports_what_cannot_be_split(string text, string message)
    {
        var (split, error) = ShellWords.Split(text);

        Assert.Null(split);
        Assert.Equal(message, error);
    }
}
