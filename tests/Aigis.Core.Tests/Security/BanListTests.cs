using System.Net;
using Aigis.Core.Configuration;
using Aigis.Core.Security.Bans;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Core.Tests.Security;

/// <summary>fail2ban behaviour with injected time: limits within a window, growth for repeat offenders, expiry, lifting.</summary>
public sealed class BanListTests
{
    private static readonly IPAddress s_client = IPAddress.Parse("203.0.113.7");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly BansConfig _config = new() { Window = TimeSpan.FromMinutes(1), IdsBlocks = 3, AuthFailures = 5, ClientErrors = 20, BanTime = TimeSpan.FromMinutes(10), MaxBanTime = TimeSpan.FromMinutes(35) };

    private InMemoryBanList NewList() => new(() => _config, _time);

    [Fact]
    public void Three_ids_blocks_within_the_window_ban_and_the_ban_expires()
    {
        var bans = NewList();

        Assert.Null(bans.Record(s_client, Offense.IdsBlock));
        Assert.Null(bans.Record(s_client, Offense.IdsBlock));
        var ban = bans.Record(s_client, Offense.IdsBlock);

        Assert.NotNull(ban);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(10), ban.Until);
        Assert.True(bans.IsBanned(s_client, out _));
        Assert.Equal(1, bans.ActiveCount);

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.True(bans.IsBanned(s_client, out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(bans.IsBanned(s_client, out _));
        Assert.Empty(bans.Active());
    }

    [Fact]
    public void Offences_spread_over_more_than_a_window_do_not_ban()
    {
        var bans = NewList();
        for (var i = 0; i < 10; i++)
        {
            Assert.Null(bans.Record(s_client, Offense.IdsBlock));
            Assert.Null(bans.Record(s_client, Offense.IdsBlock));
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.False(bans.IsBanned(s_client, out _));
    }

    [Fact]
    public void Repeat_offenders_are_banned_twice_as_long_each_time_up_to_the_maximum()
    {
        var bans = NewList();
        var lengths = new List<TimeSpan>();
        for (var round = 0; round < 4; round++)
        {
            BanEntry? ban = null;
            for (var i = 0; i < 5 && ban is null; i++)
            {
                ban = bans.Record(s_client, Offense.AuthFailure);
            }

            Assert.NotNull(ban);
            Assert.Equal(round + 1, ban.Count);
            lengths.Add(ban.Until - ban.Since);
            _time.Advance(ban.Until - _time.GetUtcNow());
        }

        Assert.Equal([TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(35), TimeSpan.FromMinutes(35)], lengths);
    }

    [Fact]
    public void A_burst_of_client_errors_bans_and_other_addresses_are_untouched()
    {
        var bans = NewList();
        var other = IPAddress.Parse("2001:db8::1");
        BanEntry? ban = null;
        for (var i = 0; i < 20; i++)
        {
            ban = bans.Record(s_client, Offense.ClientError);
        }

        bans.Record(other, Offense.ClientError);

        Assert.NotNull(ban);
        Assert.Equal(Offense.ClientError, ban.Reason);
        Assert.False(bans.IsBanned(other, out _));
    }

    [Fact]
    public void A_lifted_ban_ends_now_but_the_next_one_still_grows()
    {
        var bans = NewList();
        for (var i = 0; i < 3; i++)
        {
            bans.Record(s_client, Offense.IdsBlock);
        }

        Assert.True(bans.Lift(s_client));
        Assert.False(bans.IsBanned(s_client, out _));
        Assert.False(bans.Lift(s_client));

        BanEntry? next = null;
        for (var i = 0; i < 3; i++)
        {
            next = bans.Record(s_client, Offense.IdsBlock);
        }

        Assert.Equal(TimeSpan.FromMinutes(20), next!.Until - next.Since);
    }

    [Fact]
    public void Disabled_bans_never_ban()
    {
        var bans = new InMemoryBanList(() => _config with { Enabled = false }, _time);
        for (var i = 0; i < 100; i++)
        {
            Assert.Null(bans.Record(s_client, Offense.IdsBlock));
        }
    }
}
