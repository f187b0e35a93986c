using System.Collections.Concurrent;
using System.Net;
using Aigis.Core.Configuration;

namespace Aigis.Core.Security.Bans;

/// <summary>
/// fail2ban in memory: per address, offences are counted in a fixed window; reaching a limit bans the address
/// for <see cref="BansConfig.BanTime"/>, doubled for each earlier ban (repeat offenders stay out longer), up to
/// <see cref="BansConfig.MaxBanTime"/>. Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// Fixed windows rather than sliding logs: three counters per address and no per-offence memory, so a flood
/// from many addresses costs a bounded amount. Tracked addresses are capped at <see cref="MaxTracked"/>; past
/// it, addresses with no ban in force and no recent offence are forgotten first.
/// </remarks>
public sealed class InMemoryBanList(Func<BansConfig> config, TimeProvider timeProvider) : IBanList
{
    public const int MaxTracked = 100_000;

    private readonly ConcurrentDictionary<IPAddress, Offender> _offenders = new();

    public int ActiveCount
    {
        get
        {
            var now = timeProvider.GetUtcNow();
            var count = 0;
            foreach (var (_, offender) in _offenders)
            {
                if (offender.Ban is { } ban && ban.Until > now)
                {
                    count++;
                }
            }

            return count;
        }
    }

    public bool IsBanned(IPAddress address, out BanEntry? ban)
    {
        ban = null;
        if (!_offenders.TryGetValue(address, out var offender))
        {
            return false;
        }

        var current = offender.Ban;
        if (current is null || current.Until <= timeProvider.GetUtcNow())
        {
            return false;
        }

        ban = current;
        return true;
    }

    public BanEntry? Record(IPAddress address, Offense offense)
    {
        var settings = config();
        if (!settings.Enabled)
        {
            return null;
        }

        if (_offenders.Count >= MaxTracked && !_offenders.ContainsKey(address))
        {
            Prune(settings);
        }

        var offender = _offenders.GetOrAdd(address, _ => new Offender());
        var now = timeProvider.GetUtcNow();
        lock (offender)
        {
            if (offender.Ban is { } active && active.Until > now)
            {
                return null;
            }

            if (now - offender.WindowStart >= settings.Window)
            {
                offender.WindowStart = now;
                offender.IdsBlocks = offender.AuthFailures = offender.ClientErrors = 0;
            }

            offender.LastOffence = now;
            var reached = offense switch
            {
                Offense.IdsBlock => ++offender.IdsBlocks >= settings.IdsBlocks,
                Offense.AuthFailure => ++offender.AuthFailures >= settings.AuthFailures,
                _ => false,
            };

            // Every refusal is also a 4xx: the burst limit counts them all.
            reached |= ++offender.ClientErrors >= settings.ClientErrors;
            if (!reached)
            {
                return null;
            }

            var count = (offender.Ban?.Count ?? 0) + 1;
            var length = TimeSpan.FromTicks(Math.Min(settings.MaxBanTime.Ticks, settings.BanTime.Ticks * (1L << Math.Min(count - 1, 30))));
            var ban = new BanEntry(address, now, now + length, count, offense);
            offender.Ban = ban;
            offender.WindowStart = now;
            offender.IdsBlocks = offender.AuthFailures = offender.ClientErrors = 0;
            return ban;
        }
    }

    public IReadOnlyList<BanEntry> Active()
    {
        var now = timeProvider.GetUtcNow();
        return [.. _offenders.Values.Select(o => o.Ban).OfType<BanEntry>().Where(b => b.Until > now).OrderBy(b => b.Until)];
    }

    public bool Lift(IPAddress address)
    {
        if (!_offenders.TryGetValue(address, out var offender))
        {
            return false;
        }

        lock (offender)
        {
            if (offender.Ban is not { } ban || ban.Until <= timeProvider.GetUtcNow())
            {
                return false;
            }

            // Ended now, its count kept: lifting a ban is forgiveness for this one, not for the history.
            offender.Ban = ban with { Until = timeProvider.GetUtcNow() };
            offender.IdsBlocks = offender.AuthFailures = offender.ClientErrors = 0;
            return true;
        }
    }

    private void Prune(BansConfig settings)
    {
        var now = timeProvider.GetUtcNow();
        foreach (var (address, offender) in _offenders)
        {
            var banOver = offender.Ban is null || offender.Ban.Until <= now;
            if (banOver && now - offender.LastOffence >= settings.Window)
            {
                _offenders.TryRemove(address, out _);
            }
        }
    }

    private sealed class Offender
    {
        public DateTimeOffset WindowStart;
        public DateTimeOffset LastOffence;
        public int IdsBlocks;
        public int AuthFailures;
        public int ClientErrors;
        public BanEntry? Ban;
    }
}
