using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Aigis.Core.Identity;
using Aigis.Serialization;

namespace Aigis.Cli;

/// <summary>
/// <c>aigis tenants create|list|show|update|delete</c>: tenants, through a running instance's admin API (same
/// connection flags and variables as <c>aigis keys</c>). Limits take a number or <c>none</c>.
/// </summary>
internal static class TenantsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var tenants = new Command("tenants", "Create, list, show, update and delete tenants on a running aigis (through its admin API).");
        tenants.Subcommands.Add(CreateCommand(output, error));
        tenants.Subcommands.Add(ListCommand(output, error));
        tenants.Subcommands.Add(ShowCommand(output, error));
        tenants.Subcommands.Add(UpdateCommand(output, error));
        tenants.Subcommands.Add(DeleteCommand(output, error));
        return tenants;
    }

    private static Command CreateCommand(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("NAME") { Description = "The tenant's name: letters, digits, '-', '_' or '.'." };
        var fields = new TenantOptions();
        var command = new Command("create", "Create a tenant. Without --services/--models it may use nothing yet.") { name };
        fields.AddTo(command);
        var connection = AdminConnection.AddTo(command);
        command.SetAction((parse, cancellation) => AdminCommand.RunAsync("aigis tenants create", parse, connection, error, async client =>
        {
            var request = fields.Request(parse, current: null) with { Name = parse.GetValue(name) };
            var created = await client.PostAsync("/admin/v1/tenants", request, AdminJsonContext.Default.TenantRequest, AdminJsonContext.Default.TenantView, cancellation);
            Print(output, created, parse.GetValue(fields.Json));
        }, cancellation));
        return command;
    }

    private static Command UpdateCommand(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("NAME") { Description = "The tenant to change." };
        var fields = new TenantOptions();
        var command = new Command("update", "Change a tenant: only the options given change; a limit given as none is removed.") { name };
        fields.AddTo(command);
        var connection = AdminConnection.AddTo(command);
        command.SetAction((parse, cancellation) => AdminCommand.RunAsync("aigis tenants update", parse, connection, error, async client =>
        {
            var path = Path(parse.GetValue(name)!);
            // Limits replace as a set in the API; read the tenant so that --rpm alone keeps its other limits.
            var current = await client.GetAsync(path, AdminJsonContext.Default.TenantView, cancellation);
            var updated = await client.PatchAsync(path, fields.Request(parse, current), AdminJsonContext.Default.TenantRequest, AdminJsonContext.Default.TenantView, cancellation);
            Print(output, updated, parse.GetValue(fields.Json));
        }, cancellation));
        return command;
    }

    private static Command ListCommand(TextWriter output, TextWriter error)
    {
        var json = new Option<bool>("--json") { Description = "Print the admin API's JSON answer." };
        var command = new Command("list", "List every tenant: what it may use, its role, priority, limits and budget.") { json };
        var connection = AdminConnection.AddTo(command);
        command.SetAction((parse, cancellation) => AdminCommand.RunAsync("aigis tenants list", parse, connection, error, async client =>
        {
            var list = await client.GetAsync("/admin/v1/tenants", AdminJsonContext.Default.TenantList, cancellation);
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(list, AdminJsonContext.Default.TenantList));
                return;
            }

            string[] header = ["NAME", "ROLE", "PRIORITY", "SERVICES", "MODELS", "LIMITS", "BUDGET"];
            var rows = list.Data.Select(t => new[]
            {
                t.Name, t.Role, t.Priority, Join(t.Services), Join(t.Models), Limits(t.Limits, t.KeyLimits), Budget(t.Budget, t.KeyBudget),
            }).ToList();
            var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
            foreach (var row in rows.Prepend(header))
            {
                output.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
            }
        }, cancellation));
        return command;
    }

    private static Command ShowCommand(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("NAME") { Description = "The tenant to show." };
        var json = new Option<bool>("--json") { Description = "Print the admin API's JSON answer." };
        var command = new Command("show", "Show one tenant.") { name, json };
        var connection = AdminConnection.AddTo(command);
        command.SetAction((parse, cancellation) => AdminCommand.RunAsync("aigis tenants show", parse, connection, error, async client =>
            Print(output, await client.GetAsync(Path(parse.GetValue(name)!), AdminJsonContext.Default.TenantView, cancellation), parse.GetValue(json)), cancellation));
        return command;
    }

    private static Command DeleteCommand(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("NAME") { Description = "The tenant to delete; it must have no key that is not revoked." };
        var command = new Command("delete", "Delete a tenant that has no live keys.") { name };
        var connection = AdminConnection.AddTo(command);
        command.SetAction((parse, cancellation) => AdminCommand.RunAsync("aigis tenants delete", parse, connection, error, async client =>
        {
            var deleted = await client.DeleteAsync(Path(parse.GetValue(name)!), AdminJsonContext.Default.TenantView, cancellation);
            output.WriteLine($"deleted tenant {deleted.Name}");
        }, cancellation));
        return command;
    }

    private static string Path(string name) =>
        TenantDefinition.IsValidName(name) ? $"/admin/v1/tenants/{Uri.EscapeDataString(name)}"
        : throw new UsageException($"'{(name.Length <= 40 ? name : name[..40] + "...")}' is not a tenant name (letters, digits, '-', '_' or '.')");

    private static void Print(TextWriter output, TenantView tenant, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(tenant, AdminJsonContext.Default.TenantView));
            return;
        }

        output.WriteLine($"tenant: {tenant.Name}  role: {tenant.Role}  priority: {tenant.Priority}");
        output.WriteLine($"services: {Join(tenant.Services)}");
        output.WriteLine($"models: {Join(tenant.Models)}");
        output.WriteLine($"limits: {Limits(tenant.Limits, tenant.KeyLimits)}");
        output.WriteLine($"budget: {Budget(tenant.Budget, tenant.KeyBudget)}");
    }

    private static string Join(IReadOnlyList<string> names) => names.Count == 0 ? "(none)" : string.Join(',', names);

    private static string Limits(LimitsBody tenant, LimitsBody key)
    {
        var parts = Parts("", tenant).Concat(Parts("key_", key)).ToArray();
        return parts.Length == 0 ? "none" : string.Join(' ', parts);

        static IEnumerable<string> Parts(string prefix, LimitsBody l)
        {
            if (l.RequestsPerMinute is { } rpm) yield return $"{prefix}rpm={rpm}";
            if (l.TokensPerMinute is { } tpm) yield return $"{prefix}tpm={tpm}";
            if (l.TokensPerDay is { } tpd) yield return $"{prefix}tpd={tpd}";
            if (l.ConcurrentRequests is { } c) yield return $"{prefix}concurrency={c}";
        }
    }

    private static string Budget(BudgetBody? tenant, BudgetBody? key)
    {
        var parts = new List<string>();
        if (tenant?.Usd is { } usd) parts.Add(string.Create(CultureInfo.InvariantCulture, $"${usd}/{tenant.Period}"));
        if (key?.Usd is { } keyUsd) parts.Add(string.Create(CultureInfo.InvariantCulture, $"key ${keyUsd}/{key.Period}"));
        return parts.Count == 0 ? "none" : string.Join(' ', parts);
    }

    /// <summary>The options create and update share; update sends only those given.</summary>
    private sealed class TenantOptions
    {
        public readonly Option<string?> Services = new("--services") { Description = "Comma-separated service names or globs it may call at /svc/NAME (e.g. chat,embed or '*')." };
        public readonly Option<string?> Models = new("--models") { Description = "Comma-separated model names or globs it may use (e.g. 'gpt-*,sim-embed')." };
        public readonly Option<string?> Role = new("--role") { Description = "user, or admin (its keys may then be admin keys)." };
        public readonly Option<string?> Priority = new("--priority") { Description = "low, normal or high: how its requests rank when load is shed." };
        public readonly Option<bool> Json = new("--json") { Description = "Print the admin API's JSON answer." };
        private readonly (Option<string?> Option, Func<LimitsBody, long?, LimitsBody> Set, bool PerKey)[] _limits;
        private readonly Option<string?> _budget = new("--budget") { Description = "Spending cap in US dollars per period, or none." };
        private readonly Option<string?> _budgetPeriod = new("--budget-period") { Description = "day or month (default month)." };
        private readonly Option<string?> _keyBudget = new("--key-budget") { Description = "Each key's own spending cap in US dollars, or none." };
        private readonly Option<string?> _keyBudgetPeriod = new("--key-budget-period") { Description = "day or month (default month)." };

        public TenantOptions()
        {
            _limits =
            [
                (new Option<string?>("--rpm") { Description = "Requests per minute for the whole tenant, or none." }, (l, v) => l with { RequestsPerMinute = v }, false),
                (new Option<string?>("--tpm") { Description = "Tokens per minute for the whole tenant, or none." }, (l, v) => l with { TokensPerMinute = v }, false),
                (new Option<string?>("--tpd") { Description = "Tokens per day for the whole tenant, or none." }, (l, v) => l with { TokensPerDay = v }, false),
                (new Option<string?>("--concurrency") { Description = "Requests in flight at once for the whole tenant, or none." }, (l, v) => l with { ConcurrentRequests = v }, false),
                (new Option<string?>("--key-rpm") { Description = "Requests per minute for each key, or none." }, (l, v) => l with { RequestsPerMinute = v }, true),
                (new Option<string?>("--key-tpm") { Description = "Tokens per minute for each key, or none." }, (l, v) => l with { TokensPerMinute = v }, true),
                (new Option<string?>("--key-tpd") { Description = "Tokens per day for each key, or none." }, (l, v) => l with { TokensPerDay = v }, true),
                (new Option<string?>("--key-concurrency") { Description = "Requests in flight at once for each key, or none." }, (l, v) => l with { ConcurrentRequests = v }, true),
            ];
        }

        public void AddTo(Command command)
        {
            command.Options.Add(Services);
            command.Options.Add(Models);
            command.Options.Add(Role);
            command.Options.Add(Priority);
            foreach (var (option, _, _) in _limits)
            {
                command.Options.Add(option);
            }

            command.Options.Add(_budget);
            command.Options.Add(_budgetPeriod);
            command.Options.Add(_keyBudget);
            command.Options.Add(_keyBudgetPeriod);
            command.Options.Add(Json);
        }

        public TenantRequest Request(ParseResult parse, TenantView? current)
        {
            var request = new TenantRequest
            {
                Services = List(parse.GetValue(Services)),
                Models = List(parse.GetValue(Models)),
                Role = parse.GetValue(Role),
                Priority = parse.GetValue(Priority),
            };

            LimitsBody? limits = null, keyLimits = null;
            foreach (var (option, set, perKey) in _limits)
            {
                if (parse.GetValue(option) is not { } text)
                {
                    continue;
                }

                var value = Number(option.Name, text);
                if (perKey)
                {
                    keyLimits = set(keyLimits ?? current?.KeyLimits ?? new LimitsBody(), value);
                }
                else
                {
                    limits = set(limits ?? current?.Limits ?? new LimitsBody(), value);
                }
            }

            return request with
            {
                Limits = limits,
                KeyLimits = keyLimits,
                Budget = BudgetOf(parse, _budget, _budgetPeriod, current?.Budget),
                KeyBudget = BudgetOf(parse, _keyBudget, _keyBudgetPeriod, current?.KeyBudget),
            };
        }

        private static BudgetBody? BudgetOf(ParseResult parse, Option<string?> amount, Option<string?> period, BudgetBody? current)
        {
            var amountText = parse.GetValue(amount);
            var periodText = parse.GetValue(period);
            if (amountText is null && periodText is null)
            {
                return null;
            }

            decimal? usd = current?.Usd;
            if (amountText is not null)
            {
                usd = amountText == "none" ? null
                    : decimal.TryParse(amountText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) ? parsed
                    : throw new UsageException($"{amount.Name}: '{amountText}' is not an amount in dollars such as 25 or 7.50, or none");
            }
            else if (usd is null)
            {
                throw new UsageException($"{period.Name} needs {amount.Name} (there is no budget to apply it to)");
            }

            return new BudgetBody { Usd = usd, Period = periodText ?? current?.Period };
        }

        private static string[]? List(string? text) =>
            text is null ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        private static long? Number(string option, string text) =>
            text == "none" ? null
            : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
            : throw new UsageException($"{option}: '{text}' is not a whole number above 0, or none");
    }
}
