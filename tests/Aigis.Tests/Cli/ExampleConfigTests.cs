using Aigis.Core.Configuration;

namespace Aigis.Tests.Cli;

public sealed class ExampleConfigTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(ExamplesDirectory(), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_config_is_valid(string name)
    {
        var result = ConfigLoader.LoadFile(Path.Combine(ExamplesDirectory(), name));

        Assert.True(result.IsValid, string.Join('\n', result.Errors));
    }

    [Fact]
    public void There_are_examples_to_check() => Assert.True(Examples().Count >= 2);

    private static string ExamplesDirectory()
    {
        // Walk up from the test binaries to the repository root.
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "examples")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("examples/ not found above the test binaries"), "examples");
    }
}
