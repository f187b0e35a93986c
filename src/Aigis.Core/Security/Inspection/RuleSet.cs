using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Aigis.Core.Security.Decoding;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Security.Inspection;

/// <summary>
/// The active rules (at or below a paranoia level, in enabled families), grouped by zone and view, each group
/// with one combined pattern. Built once per configuration; scanning is thread-safe.
/// </summary>
/// <remarks>
/// Most values match nothing, so each (zone, view) group first runs a single alternation of all its patterns,
/// compiled with <see cref="RegexOptions.NonBacktracking"/> (chunked where one automaton would be too big):
/// one linear pass over the value, whose automaton stays cached, instead of one pass per rule. Only when that
/// gate matches are the group's rules run one by one, with their own compiled patterns, to learn which.
/// </remarks>
public sealed class RuleSet
{
    private static readonly RuleView[] s_views = [RuleView.Decoded, RuleView.Raw, RuleView.CommandLine, RuleView.Sql];

    private readonly RuleGroup[]?[,] _groups;
    private readonly Dictionary<SecurityRule, int> _indexes = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<SecurityRule> _codeRules = new(ReferenceEqualityComparer.Instance);

    // Code rules sit after the pattern rules in the card's numbering (past its 64-bit fast path, which they do not need).
    private const int CodeRuleIndex = int.MaxValue;

    /// <summary>True when the code rule <paramref name="rule"/> (one of <see cref="CodeRules"/>) is active.</summary>
    public bool IsActive(SecurityRule rule) => _codeRules.Contains(rule);

    /// <summary>Records a code rule's finding, when that rule is active.</summary>
    public void Report(SecurityRule rule, ScoreCard card)
    {
        if (_codeRules.Contains(rule))
        {
            card.Add(rule, CodeRuleIndex);
        }
    }

    public RuleSet(IEnumerable<SecurityRule> rules, int paranoia, Func<string, bool> familyEnabled, TimeSpan matchTimeout, InspectionLimits? limits = null, IReadOnlyCollection<string>? disabledRules = null)
    {
        Limits = limits ?? InspectionLimits.Default;
        foreach (var rule in CodeRules.All)
        {
            if (rule.Paranoia <= paranoia && familyEnabled(rule.Family) && disabledRules?.Contains(rule.Id) != true)
            {
                _codeRules.Add(rule);
            }
        }

        Rules = [.. rules.Where(r => r.Paranoia <= paranoia && familyEnabled(r.Family))];
        for (var i = 0; i < Rules.Count; i++)
        {
            _indexes[Rules[i]] = i;
        }

        var zones = RuleZoneNames.ByName.Values.ToArray();
        _groups = new RuleGroup[]?[zones.Length, s_views.Length];

        // One set of gate automata per view (and another for prompts), over the rules of every zone: each automaton costs megabytes of
        // solver state, and most rules look at several zones, so per-zone gates held the same patterns three to
        // six times over (308 MB of gates for the shipped rules against about 80 MB this way). A zone's group
        // runs the view's gate and confirms only its own members; a gate hit from another zone's rule costs one
        // extra confirmation pass, and only on values that match some attack pattern anyway.
        // Prompts get gates of their own: a prompt full of SQL or shell (a normal coding question) must not hit
        // the web rules' gate and pay for confirming every prompt rule on each such hit.
        var gatesByView = new List<SecurityRule[]>[2, s_views.Length];
        var gateRegexes = new Dictionary<SecurityRule[], Regex>(ReferenceEqualityComparer.Instance);
        for (var prompt = 0; prompt < 2; prompt++)
        {
            foreach (var view in s_views)
            {
                var forPrompt = prompt == 1;
                var gated = Rules.Where(r => r.View == view && r.Prefilter is null &&
                    (forPrompt ? (r.Zones & RuleZone.Prompt) != 0 : (r.Zones & ~RuleZone.Prompt) != 0)).ToArray();
                gatesByView[prompt, (int)view] = [];
                if (gated.Length > 0)
                {
                    Combine(gated, matchTimeout, gatesByView[prompt, (int)view], gateRegexes);
                }
            }
        }

        foreach (var zone in zones)
        {
            foreach (var view in s_views)
            {
                var chunks = new List<RuleGroup>();

                // A rule with prefilter words stands alone: one vectorized search for its words rules it out, and
                // its bounded repetitions (".{0,60}") stay out of the gate's automaton, where counters multiply states.
                foreach (var alone in Rules.Where(r => (r.Zones & zone) != 0 && r.View == view && r.Prefilter is not null))
                {
                    chunks.Add(new RuleGroup(alone.Regex, [alone], [_indexes[alone]]));
                }

                foreach (var gate in gatesByView[zone == RuleZone.Prompt ? 1 : 0, (int)view])
                {
                    var members = gate.Where(r => (r.Zones & zone) != 0).ToArray();
                    if (members.Length > 0)
                    {
                        chunks.Add(new RuleGroup(gateRegexes[gate], members, [.. members.Select(m => _indexes[m])]));
                    }
                }

                if (chunks.Count > 0)
                {
                    _groups[ZoneIndex(zone), (int)view] = [.. chunks];
                }
            }
        }
    }

    public IReadOnlyList<SecurityRule> Rules { get; }

    /// <summary>The groups of every zone and view, and the distinct automata they run (for tests of the sharing).</summary>
    internal (int Groups, int Automata) Shape()
    {
        var groups = _groups.Cast<RuleGroup[]?>().Where(g => g is not null).SelectMany(g => g!).ToArray();
        return (groups.Length, groups.Select(g => g.Combined).Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    /// <summary>
    /// One gate alternation of <paramref name="members"/>, or several when the automaton of one would pass the
    /// non-backtracking engine's size limit or a member uses what it lacks (split in halves until each fits).
    /// A gate of one member is that member's own pattern.
    /// </summary>
    private static void Combine(SecurityRule[] members, TimeSpan matchTimeout, List<SecurityRule[]> gates, Dictionary<SecurityRule[], Regex> regexes)
    {
        // The alternation is a gate: one non-backtracking pass over the value rules out every member at once;
        // only when it matches do the members' own patterns run to say which. Members the non-backtracking
        // engine cannot take (look-behind) end up alone.
        if (members.Length == 1)
        {
            gates.Add(members);
            regexes.Add(members, members[0].Regex);
            return;
        }

        var pattern = string.Join('|', members.Select(r => $"(?:{r.Pattern})"));
        try
        {
            regexes.Add(members, new Regex(pattern, RuleFileLoader.ShippedOptions, matchTimeout));
            gates.Add(members);
        }
        catch (NotSupportedException)
        {
            var half = members.Length / 2;
            Combine(members[..half], matchTimeout, gates, regexes);
            Combine(members[half..], matchTimeout, gates, regexes);
        }
    }

    public InspectionLimits Limits { get; }

    /// <summary>True when some rule looks at <paramref name="zone"/>.</summary>
    public bool Covers(RuleZone zone)
    {
        var index = ZoneIndex(zone);
        for (var v = 0; v < s_views.Length; v++)
        {
            if (_groups[index, v] is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Scans UTF-8 <paramref name="utf8"/> as one value of <paramref name="zone"/>.</summary>
    public void ScanUtf8(RuleZone zone, ReadOnlySpan<byte> utf8, ScoreCard card, bool plusIsSpace = false, string? headerName = null)
    {
        if (utf8.IsEmpty || !Covers(zone))
        {
            return;
        }

        var buffer = ArrayPool<char>.Shared.Rent(utf8.Length);
        try
        {
            var length = Encoding.UTF8.GetChars(utf8, buffer);
            Scan(zone, buffer.AsSpan(0, length), card, plusIsSpace, headerName);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Scans one value of <paramref name="zone"/> and records the rules that match it on <paramref name="card"/>.</summary>
    public void Scan(RuleZone zone, ReadOnlySpan<char> value, ScoreCard card, bool plusIsSpace = false, string? headerName = null)
    {
        if (value.IsEmpty || !Covers(zone))
        {
            return;
        }

        var budget = Limits.MaxRequestChars - card.InspectedChars;
        if (budget <= 0)
        {
            card.Truncated = true;
            return;
        }

        if (value.Length > budget)
        {
            value = value[..(int)budget];
            card.Truncated = true;
        }

        if (value.Length > Limits.MaxFieldChars)
        {
            // Head and tail: an injection is most often at one end of a long field, and the middle is the
            // price of a bound on time.
            var half = Limits.MaxFieldChars / 2;
            ScanBounded(zone, value[..half], card, plusIsSpace, headerName);
            ScanBounded(zone, value[^half..], card, plusIsSpace, headerName);
            card.Truncated = true;
            return;
        }

        ScanBounded(zone, value, card, plusIsSpace, headerName);
    }

    private void ScanBounded(RuleZone zone, ReadOnlySpan<char> value, ScoreCard card, bool plusIsSpace, string? headerName)
    {
        card.InspectedChars += value.Length;
        var zoneIndex = ZoneIndex(zone);
        char[]? decodedBuffer = null;
        char[]? viewBuffer = null;
        try
        {
            ReadOnlySpan<char> decoded = default;
            var decodedReady = false;
            for (var v = 0; v < s_views.Length; v++)
            {
                if (_groups[zoneIndex, v] is not { } groups)
                {
                    continue;
                }

                var view = s_views[v];
                ReadOnlySpan<char> text;
                if (view == RuleView.Raw)
                {
                    text = value;
                }
                else
                {
                    if (!decodedReady)
                    {
                        var decodedLength = Decode(zone, value, plusIsSpace, out decodedBuffer);
                        decoded = decodedBuffer is null ? value : decodedBuffer.AsSpan(0, decodedLength);
                        decodedReady = true;
                    }

                    if (view == RuleView.Decoded)
                    {
                        text = decoded;
                    }
                    else
                    {
                        viewBuffer ??= ArrayPool<char>.Shared.Rent(Math.Max(decoded.Length, 1));
                        var length = view == RuleView.CommandLine ? Normalizers.CommandLine(decoded, viewBuffer) : Normalizers.Sql(decoded, viewBuffer);
                        text = viewBuffer.AsSpan(0, length);
                    }
                }

                foreach (var group in groups)
                {
                    group.Match(text, card, headerName);
                }
            }

            if (zone == RuleZone.Prompt && decodedReady)
            {
                Prompting.PromptViews.Inspect(this, decoded, card);
            }

            if ((zone & ValueDetectors.Zones) != 0)
            {
                if (!decodedReady)
                {
                    var decodedLength = Decode(zone, value, plusIsSpace, out decodedBuffer);
                    decoded = decodedBuffer is null ? value : decodedBuffer.AsSpan(0, decodedLength);
                }

                ValueDetectors.Inspect(this, zone, decoded, card);
            }
        }
        finally
        {
            if (decodedBuffer is not null)
            {
                ArrayPool<char>.Shared.Return(decodedBuffer);
            }

            if (viewBuffer is not null)
            {
                ArrayPool<char>.Shared.Return(viewBuffer);
            }
        }
    }

    /// <summary>
    /// Runs the prompt rules over a second reading of a prompt (see <see cref="Prompting.PromptViews"/>), as is:
    /// no further decoding and no further readings, so a view never begets another.
    /// </summary>
    public void ScanPromptView(ReadOnlySpan<char> view, ScoreCard card)
    {
        if (_groups[ZoneIndex(RuleZone.Prompt), (int)RuleView.Decoded] is not { } groups || view.IsEmpty)
        {
            return;
        }

        char[]? normalized = null;
        try
        {
            if (Prompting.PromptNormalizer.MayNeedNormalizing(view))
            {
                normalized = ArrayPool<char>.Shared.Rent(view.Length);
                view = normalized.AsSpan(0, Prompting.PromptNormalizer.Normalize(view, normalized));
            }

            card.InspectedChars += view.Length;
            foreach (var group in groups)
            {
                group.Match(view, card, headerName: null);
            }
        }
        finally
        {
            if (normalized is not null)
            {
                ArrayPool<char>.Shared.Return(normalized);
            }
        }
    }

    /// <summary>Decodes into a rented buffer and returns its length; a null buffer means the value needed no decoding.</summary>
    private static int Decode(RuleZone zone, ReadOnlySpan<char> value, bool plusIsSpace, out char[]? buffer)
    {
        buffer = null;
        if (zone == RuleZone.Prompt)
        {
            // Message text arrives JSON-unescaped already; what is left to undo is obfuscation aimed at filters
            // (invisible characters, tag characters, look-alikes, leetspeak), tested first with one vectorized search.
            if (!Prompting.PromptNormalizer.MayNeedNormalizing(value))
            {
                return value.Length;
            }

            buffer = ArrayPool<char>.Shared.Rent(value.Length);
            return Prompting.PromptNormalizer.Normalize(value, buffer);
        }

        if (!InputDecoder.NeedsDecoding(value))
        {
            return value.Length;
        }

        buffer = ArrayPool<char>.Shared.Rent(value.Length);
        return InputDecoder.Decode(value, buffer, plusIsSpace);
    }

    private static int ZoneIndex(RuleZone zone) => System.Numerics.BitOperations.Log2((uint)zone);

}
