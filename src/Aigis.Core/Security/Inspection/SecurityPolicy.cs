using Aigis.Core.Configuration;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Security.Inspection;

/// <summary>What intrusion detection decided about one request.</summary>
public enum IdsOutcome
{
    /// <summary>Under every threshold.</summary>
    Pass,

    /// <summary>Over a threshold, but only logged (detect-only mode, or prompt injection with action <c>log</c>).</summary>
    Logged,

    /// <summary>Prompt injection over its threshold, forwarded with a flag header.</summary>
    Flagged,

    /// <summary>Refused with 403.</summary>
    Blocked,
}

/// <summary>The verdict for a request: the outcome for web attacks and for prompt injection, from one score card.</summary>
public readonly record struct IdsVerdict(IdsOutcome Web, IdsOutcome PromptInjection)
{
    public bool Blocks => Web == IdsOutcome.Blocked || PromptInjection == IdsOutcome.Blocked;
}

/// <summary>
/// The <c>security</c> config compiled: the active rules (shipped, then the user's files, minus what is
/// disabled) and the thresholds and actions that turn a score card into a verdict. Built once per config.
/// </summary>
public sealed class SecurityPolicy
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, RuleSet> s_shared = new(StringComparer.Ordinal);
    private static readonly RuleSet s_none = new([], paranoia: 1, _ => false, MatchTimeout);

    private SecurityPolicy(SecurityConfig config, RuleSet rules)
    {
        Config = config;
        Rules = rules;
    }

    public SecurityConfig Config { get; }

    public RuleSet Rules { get; }

    public bool Enabled => Config.Mode != SecurityMode.Off;

    /// <summary>
    /// True when building this policy compiled its rules (rather than sharing a rule set already built for the
    /// same settings): the host then hands the compiler's garbage back to the OS.
    /// </summary>
    public bool CompiledAnew { get; private init; }

    /// <summary>Compiles <paramref name="config"/>; the errors are those of the user's rule files, with their locations.</summary>
    public static (SecurityPolicy Policy, IReadOnlyList<ConfigError> Errors) Build(SecurityConfig config)
    {
        if (config.Mode == SecurityMode.Off)
        {
            // Nothing is inspected: compiling the rules would cost seconds of CPU and hundreds of megabytes of
            // automata kept for nothing. Turning inspection on is a reload, which builds the policy anew.
            return (new SecurityPolicy(config, s_none), []);
        }

        // Without user files the rule set depends only on these settings: share it (compiling the gates costs
        // CPU seconds, and a reload or a second gateway in the process should not pay it again).
        var key = config.RuleFiles.Count == 0
            ? string.Join('|', config.Paranoia, config.MaxInspectSize, string.Join(',', config.DisabledRules), string.Join(',', config.DisabledFamilies))
            : null;
        if (key is not null && s_shared.TryGetValue(key, out var shared))
        {
            return (new SecurityPolicy(config, shared), []);
        }

        var (rules, errors) = DefaultRules.LoadWithUserFiles(config.RuleFiles, config.DisabledRules, MatchTimeout);
        var limits = new InspectionLimits(MaxFieldChars: (int)Math.Min(config.MaxInspectSize, int.MaxValue));
        var set = new RuleSet(rules, config.Paranoia, family => !config.DisabledFamilies.Contains(family), MatchTimeout, limits, config.DisabledRules);
        if (key is not null)
        {
            set = s_shared.GetOrAdd(key, set);
        }

        return (new SecurityPolicy(config, set) { CompiledAnew = true }, errors);
    }

    public IdsVerdict Decide(ScoreCard card)
    {
        var web = IdsOutcome.Pass;
        if (card.WebScore >= Config.Threshold || card.TimedOut)
        {
            web = Config.Mode == SecurityMode.Block ? IdsOutcome.Blocked : IdsOutcome.Logged;
        }

        var prompt = IdsOutcome.Pass;
        if (card.PromptInjectionScore >= Config.PromptInjection.Threshold)
        {
            // Detect-only turns blocking into logging; a flag never blocks, so it stays.
            prompt = Config.PromptInjection.Action switch
            {
                PromptInjectionAction.Block => Config.Mode == SecurityMode.Block ? IdsOutcome.Blocked : IdsOutcome.Logged,
                PromptInjectionAction.Flag => IdsOutcome.Flagged,
                _ => IdsOutcome.Logged,
            };
        }

        return new IdsVerdict(web, prompt);
    }
}
