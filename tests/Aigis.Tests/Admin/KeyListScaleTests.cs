using System.Diagnostics;
using Aigis.Core.Identity;
using Aigis.Store;
using Aigis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Aigis.Tests.Admin;

/// <summary>
/// The key list with 100,000 keys in the SQLite store: the first page and a deep page are right. The latency is
/// printed for the record, not asserted (a timed assertion fails on a busy machine and says nothing on a quiet one).
/// </summary>
public sealed class KeyListScaleTests(ITestOutputHelper output)
{
    private const int Keys = 100_000;

    [Fact]
    public async Task The_first_and_a_deep_page_of_100000_keys_are_right()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        var start = DateTimeOffset.UnixEpoch.AddYears(50);
        var hash = new byte[32];
        await new SqliteStore(gateway.StorePath).InsertKeysAsync(Enumerable.Range(0, Keys).Select(i => new StoredApiKey
        {
            Id = "s" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture),
            SecretHash = hash,
            Name = "seeded",
            Tenant = "default",
            Role = KeyRole.User,
            CreatedAt = start.AddMilliseconds(i / 10),
            CreatedBy = "test",
        }), CancellationToken.None);

        var times = new List<double>();
        System.Text.Json.JsonElement first = default;
        for (var i = 0; i < 20; i++)
        {
            var started = Stopwatch.GetTimestamp();
            first = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/keys"));
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // A cursor from the middle of the table: the page after key 50,000.
        var cursor = Aigis.Endpoints.AdminPaging.Encode($"{start.AddMilliseconds(4999).ToUnixTimeMilliseconds()}:s0049999");
        var started2 = Stopwatch.GetTimestamp();
        var deep = await Json.ReadAsync(await gateway.AdminApi.GetAsync($"/admin/v1/keys?limit=100&cursor={cursor}"));
        var deepMs = Stopwatch.GetElapsedTime(started2).TotalMilliseconds;

        times.Sort();
        output.WriteLine($"GET /admin/v1/keys with {Keys} keys, 20 calls: min {times[0]:F1} ms, median {times[10]:F1} ms, max {times[^1]:F1} ms; deep page {deepMs:F1} ms");
        Assert.Equal(100, first.GetProperty("data").GetArrayLength());
        Assert.Equal("s0000000", first.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.NotNull(first.GetProperty("next_cursor").GetString());
        Assert.Equal("s0050000", deep.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal("s0050099", deep.GetProperty("data")[99].GetProperty("id").GetString());
    }
}
