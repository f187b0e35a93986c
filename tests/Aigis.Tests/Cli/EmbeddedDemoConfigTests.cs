using Aigis.Core.Configuration;
using Aigis.Demo;

namespace Aigis.Tests.Cli;

public sealed class EmbeddedDemoConfigTests
{
    [Fact]
    public void The_demo_caches_and_coalesces_its_chat_and_embeddings()
    {
        var loaded = ConfigLoader.LoadText(EmbeddedDemo.Render(), "demo.yaml");
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
