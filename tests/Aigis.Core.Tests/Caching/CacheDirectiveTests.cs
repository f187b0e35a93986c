using Aigis.Core.Caching;

namespace Aigis.Core.Tests.Caching;

public sealed class CacheDirectiveTests
{
    [Theory]
    [InlineData(null, null, CacheDirective.Default)]
    [InlineData("use", null, CacheDirective.Use)]
    [InlineData(" Bypass ", null, CacheDirective.Bypass)]
    [InlineData("refresh", null, CacheDirective.Refresh)]
    [InlineData(null, "no-store", CacheDirective.Bypass)]
    [InlineData("use", "max-age=0, No-Store", CacheDirective.Bypass)]
    [InlineData(null, "no-cache", CacheDirective.Refresh)]
    [InlineData("use", "no-cache", CacheDirective.Refresh)]
    [InlineData(null, "max-age=60", CacheDirective.Default)]
    public void Reads_what_the_caller_asked(string? header, string? cacheControl, CacheDirective expected)
    {
        Assert.True(CacheDirectives.TryParse(header, cacheControl, out var directive));
        Assert.Equal(expected, directive);
    }

    [Theory]
    [InlineData("yes", null)]
    [InlineData("hit", null)]
    [InlineData("", "no-store")]
    public void Unknown_values_are_refused_not_ignored(string header, string? cacheControl)
    {
        Assert.False(CacheDirectives.TryParse(header, cacheControl, out _));
    }
}
