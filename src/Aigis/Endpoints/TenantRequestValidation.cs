using Aigis.Core.Identity;
using Aigis.Pipeline;
using Aigis.Serialization;

namespace Aigis.Endpoints;

/// <summary>Turns a tenant request into a definition, over a base (a new tenant's defaults, or the stored one), or names the bad field.</summary>
internal static class TenantRequestValidation
{
    public const int MaxPatterns = 200;
    private const long MaxLimit = 1_000_000_000_000;
    private const long MaxConcurrency = 1_000_000;
    private const decimal MaxBudgetUsd = 1_000_000_000m;

    public static GatewayError? Apply(TenantRequest request, TenantDefinition current, out TenantDefinition result)
    {
        result = current;
        var next = current;
        if (request.Services is { } services)
        {
            if (Patterns(services, "services") is { } bad)
            {
                return bad;
            }

            next = next with { Services = Distinct(services) };
        }

        if (request.Models is { } models)
        {
            if (Patterns(models, "models") is { } bad)
            {
                return bad;
            }

            next = next with { Models = Distinct(models) };
        }

        if (request.Role is { } roleText)
        {
            if (!KeyRoles.TryParse(roleText, out var role))
            {
                return AdminErrors.InvalidField("role", $"role '{Short(roleText)}' is not one of: user, admin.");
            }

            next = next with { Role = role };
        }

        if (request.Priority is { } priorityText)
        {
            if (!TenantPriorities.TryParse(priorityText, out var priority))
            {
                return AdminErrors.InvalidField("priority", $"priority '{Short(priorityText)}' is not one of: low, normal, high.");
            }

            next = next with { Priority = priority };
        }

        if (request.Limits is { } limits)
        {
            if (Limits(limits, "limits", out var parsed) is { } bad)
            {
                return bad;
            }

            next = next with { Limits = parsed };
        }

        if (request.KeyLimits is { } keyLimits)
        {
            if (Limits(keyLimits, "key_limits", out var parsed) is { } bad)
            {
                return bad;
            }

            next = next with { KeyLimits = parsed };
        }

        if (request.Budget is { } budget)
        {
            if (Budget(budget, "budget", out var parsed) is { } bad)
            {
                return bad;
            }

            next = next with { Budget = parsed };
        }

        if (request.KeyBudget is { } keyBudget)
        {
            if (Budget(keyBudget, "key_budget", out var parsed) is { } bad)
            {
                return bad;
            }

            next = next with { KeyBudget = parsed };
        }

        result = next;
        return null;
    }

    public static TenantView View(Store.StoredTenant stored)
    {
        var t = stored.Definition;
        return new TenantView(t.Name, t.Services, t.Models, KeyRoles.Name(t.Role), TenantPriorities.Name(t.Priority),
            LimitsView(t.Limits), LimitsView(t.KeyLimits), BudgetView(t.Budget), BudgetView(t.KeyBudget),
            stored.CreatedAt, stored.UpdatedAt, stored.CreatedBy);
    }

    private static LimitsBody LimitsView(TenantLimits limits) => new()
    {
        RequestsPerMinute = limits.RequestsPerMinute,
        TokensPerMinute = limits.TokensPerMinute,
        TokensPerDay = limits.TokensPerDay,
        ConcurrentRequests = limits.ConcurrentRequests,
    };

    private static BudgetBody? BudgetView(TenantBudget? budget) => budget is null ? null : new BudgetBody
    {
        Usd = (decimal)budget.LimitMicros / TenantBudget.MicrosPerDollar,
        Period = TenantBudget.PeriodName(budget.Period),
    };

    private static GatewayError? Patterns(IReadOnlyList<string> patterns, string field)
    {
        if (patterns.Count > MaxPatterns)
        {
            return AdminErrors.InvalidField(field, $"{field} has {patterns.Count} entries; at most {MaxPatterns}.");
        }

        foreach (var pattern in patterns)
        {
            if (pattern is null)
            {
                return AdminErrors.InvalidField(field, $"{field}: an entry is null.");
            }

            if (!NamePattern.IsValid(pattern, out var problem))
            {
                return AdminErrors.InvalidField(field, $"{field}: {problem}.");
            }
        }

        return null;
    }

    private static GatewayError? Limits(LimitsBody body, string field, out TenantLimits limits)
    {
        limits = new TenantLimits
        {
            RequestsPerMinute = body.RequestsPerMinute,
            TokensPerMinute = body.TokensPerMinute,
            TokensPerDay = body.TokensPerDay,
            ConcurrentRequests = body.ConcurrentRequests,
        };
        foreach (var (name, value, max) in new (string, long?, long)[]
        {
            ("requests_per_minute", body.RequestsPerMinute, MaxLimit),
            ("tokens_per_minute", body.TokensPerMinute, MaxLimit),
            ("tokens_per_day", body.TokensPerDay, MaxLimit),
            ("concurrent_requests", body.ConcurrentRequests, MaxConcurrency),
        })
        {
            if (value is { } v && (v < 1 || v > max))
            {
                // 0 is refused rather than read as "blocked" or "unlimited": null says no limit, and nothing says both.
                return AdminErrors.InvalidField(field, $"{field}.{name} must be from 1 to {max}, or null for no limit; not {v}.");
            }
        }

        return null;
    }

    private static GatewayError? Budget(BudgetBody body, string field, out TenantBudget? budget)
    {
        budget = null;
        if (body.Usd is null)
        {
            return null;
        }

        var usd = body.Usd.Value;
        if (usd < 0 || usd > MaxBudgetUsd)
        {
            return AdminErrors.InvalidField(field, $"{field}.usd must be from 0 to {MaxBudgetUsd}, not {usd}.");
        }

        if (!TenantBudget.TryParsePeriod(body.Period ?? "month", out var period))
        {
            return AdminErrors.InvalidField(field, $"{field}.period '{Short(body.Period!)}' is not one of: day, month.");
        }

        budget = new TenantBudget((long)decimal.Round(usd * TenantBudget.MicrosPerDollar, MidpointRounding.AwayFromZero), period);
        return null;
    }

    private static string[] Distinct(IReadOnlyList<string> patterns) => patterns.Distinct(StringComparer.Ordinal).ToArray();

    private static string Short(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
