using Aigis.Demo;

namespace Aigis.Tests.Cli;

/// <summary>The demo's config is written once; from then on it is the user's, as the README invites them to edit it.</summary>
public sealed class EmbeddedDemoConfigTests
{
    [Fact]
    public void An_edited_demo_config_survives_the_next_start()
    {
        var directory = Directory.CreateTempSubdirectory("aigis-demo-").FullName;
        try
        {
            var (path, written) = EmbeddedDemo.EnsureConfig(directory);
            var edited = File.ReadAllText(path).Replace("replicas: 3", "replicas: 5", StringComparison.Ordinal);
            File.WriteAllText(path, edited);

            var (again, writtenAgain) = EmbeddedDemo.EnsureConfig(directory);

            Assert.True(written);
            Assert.False(writtenAgain);
            Assert.Equal(path, again);
            Assert.Contains("replicas: 5", File.ReadAllText(again), StringComparison.Ordinal);
            Assert.True(Core.Configuration.ConfigLoader.LoadFile(again).IsValid);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_demo_caches_and_coalesces_its_chat_and_embeddings()
    {
        var loaded = Core.Configuration.ConfigLoader.LoadText(EmbeddedDemo.Render(), "demo.yaml");
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Errors));

        foreach (var name in new[] { "chat", "embed" })
        {
            var cache = loaded.Config!.Services.Single(s => s.Name == name).Cache;
            Assert.True(cache.Enabled && cache.Coalesce, name);
            Assert.Equal(Core.Caching.CacheScope.Tenant, cache.Scope);
        }

        // The printed try-line asks deterministically, so running it twice shows a hit.
        Assert.Contains("\"temperature\":0", EmbeddedDemo.CurlLine(new Uri("http://127.0.0.1:8080"), "k"), StringComparison.Ordinal);
    }
}
