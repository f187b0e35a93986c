using System.CommandLine;
using System.Globalization;
using Aigis.Core.Configuration;
using Aigis.Core.Identity;
using Aigis.Serialization;

namespace Aigis.Cli;

/// <summary>
/// <c>aigis keys create|list|revoke|rotate</c>: API keys, through a running instance's admin API. The admin
/// URL and key come from flags or <c>AIGIS_ADMIN_URL</c> / <c>AIGIS_ADMIN_KEY</c> (the variable keeps the key
/// out of the process list and shell history).
/// </summary>
internal static class KeysCommand
{
    public const string AdminUrlVariable = AdminConnection.AdminUrlVariable;
    public const string AdminKeyVariable = AdminConnection.AdminKeyVariable;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var keys = new Command("keys", "Create, list, revoke and rotate API keys on a running aigis (through its admin API).");
        keys.Subcommands.Add(CreateCommand(output, error));
        keys.Subcommands.Add(ListCommand(output, error));
        keys.Subcommands.Add(RevokeCommand(output, error));
        keys.Subcommands.Add(RotateCommand(output, error));
        return keys;
    }

    private static Command CreateCommand(TextWriter output, TextWriter error)
    {
        var name = new Option<string>("--name") { Description = "What the key is for, e.g. billing-service.", Required = true };
        var tenant = new Option<string>("--tenant") { Description = "The tenant the key acts for.", DefaultValueFactory = _ => "default" };
        var role = new Option<string>("--role") { Description = "user (model APIs) or admin (also the admin API).", DefaultValueFactory = _ => KeyRoles.User };
        role.AcceptOnlyFromAmong(KeyRoles.All);
        var expires = new Option<string?>("--expires") { Description = "Lifetime, e.g. 30d or 12h. Default: never expires." };
        var json = new Option<bool>("--json") { Description = "Print the admin API's JSON answer." };
        var command = new Command("create", "Create a key and print it. The key is shown this once: store it.") { name, tenant, role, expires, json };
        var connection = AdminConnection.AddTo(command);
        command.SetAction((parse, cancellation) => RunAsync("create", parse, connection, error, async client =>
        {
            var lifetime = parse.GetValue(expires);
            if (lifetime is not null && !DurationParser.TryParse(lifetime, out _, out var problem))
            {
                throw new UsageException($"--expires: {problem}");
            }

            var request = new CreateKeyRequest { Name = parse.GetValue(name), Tenant = parse.GetValue(tenant), Role = parse.GetValue(role), ExpiresIn = lifetime };
            var created = await client.PostAsync("/admin/v1/keys", request, AdminJsonContext.Default.CreateKeyRequest, AdminJsonContext.Default.CreatedKeyView, cancellation);
            if (parse.GetValue(json))
            {
                output.WriteLine(System.Text.Json.JsonSerializer.Serialize(created, AdminJsonContext.Default.CreatedKeyView));
                return;
            }

            output.WriteLine($"key: {created.Key}");
            output.WriteLine(Describe(created.Details));
            output.WriteLine("shown once, now: store it; it cannot be shown again.");
        }, cancellation));
        return command;
    }

    private static Command ListCommand(TextWriter output, TextWriter error)
    {
        var json = new Option<bool>("--json") { Description = "Print the admin API's JSON answer." };
        var command = new Command("list", "List every key: id, name, tenant, role, status and dates (never a secret).") { json };
        var connection = AdminConnection.AddTo(command);
        command.SetAction((parse, cancellation) => RunAsync("list", parse, connection, error, async client =>
        {
            // The API pages (100 keys by default); the list is every key, so follow the cursor to the end.
            var all = new List<KeyView>();
            string? cursor = null;
            do
            {
                var page = await client.GetAsync("/admin/v1/keys?limit=1000" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), AdminJsonContext.Default.KeyList, cancellation);
                all.AddRange(page.Data);
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            var list = new KeyList("list", all);
            if (parse.GetValue(json))
            {
                output.WriteLine(System.Text.Json.JsonSerializer.Serialize(list, AdminJsonContext.Default.KeyList));
                return;
            }

            string[] header = ["ID", "NAME", "TENANT", "ROLE", "STATUS", "CREATED", "EXPIRES"];
            var rows = list.Data.Select(k => new[] { k.Id, k.Name, k.Tenant, k.Role, k.Status, Time(k.CreatedAt), k.ExpiresAt is { } e ? Time(e) : "never" }).ToList();
            var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
            foreach (var row in rows.Prepend(header))
            {
                output.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
            }
        }, cancellation));
        return command;
    }

    private static Command RevokeCommand(TextWriter output, TextWriter error)
    {
        var id = new Argument<string>("ID") { Description = "The key's id, as `aigis keys list` shows it." };
        var command = new Command("revoke", "Revoke a key; requests with it are refused from the next one on.") { id };
        var connection = AdminConnection.AddTo(command);
        command.SetAction((parse, cancellation) => RunAsync("revoke", parse, connection, error, async client =>
        {
            var key = await client.DeleteAsync($"/admin/v1/keys/{Uri.EscapeDataString(CheckId(parse.GetValue(id)!))}", AdminJsonContext.Default.KeyView, cancellation);
            output.WriteLine($"revoked {key.Id} (name {key.Name}, tenant {key.Tenant}, role {key.Role})");
        }, cancellation));
        return command;
    }

    private static Command RotateCommand(TextWriter output, TextWriter error)
    {
        var id = new Argument<string>("ID") { Description = "The key to replace." };
        var overlap = new Option<string>("--overlap") { Description = "How long the old key stays valid, e.g. 1h (0s: at once).", DefaultValueFactory = _ => "1h" };
        var json = new Option<bool>("--json") { Description = "Print the admin API's JSON answer." };
        var command = new Command("rotate", "Make a new key with the same name, tenant and role; the old one stays valid for the overlap.") { id, overlap, json };
        var connection = AdminConnection.AddTo(command);
        command.SetAction((parse, cancellation) => RunAsync("rotate", parse, connection, error, async client =>
        {
            var window = parse.GetValue(overlap)!;
            if (!DurationParser.TryParse(window, out _, out var problem))
            {
                throw new UsageException($"--overlap: {problem}");
            }

            var path = $"/admin/v1/keys/{Uri.EscapeDataString(CheckId(parse.GetValue(id)!))}/rotate";
            var rotated = await client.PostAsync(path, new RotateKeyRequest { Overlap = window }, AdminJsonContext.Default.RotateKeyRequest, AdminJsonContext.Default.CreatedKeyView, cancellation);
            if (parse.GetValue(json))
            {
                output.WriteLine(System.Text.Json.JsonSerializer.Serialize(rotated, AdminJsonContext.Default.CreatedKeyView));
                return;
            }

            output.WriteLine($"key: {rotated.Key}");
            output.WriteLine(Describe(rotated.Details));
            if (rotated.Replaced is { } old)
            {
                output.WriteLine($"replaces {old.Id}, which stays valid until {(old.ExpiresAt is { } until ? Time(until) : "revoked")}");
            }

            output.WriteLine("shown once, now: store it; it cannot be shown again.");
        }, cancellation));
        return command;
    }

    private static Task<int> RunAsync(string name, ParseResult parse, AdminConnection connection, TextWriter error, Func<AdminApiClient, Task> action, CancellationToken cancellation) =>
        AdminCommand.RunAsync($"aigis keys {name}", parse, connection, error, action, cancellation);

    private static string CheckId(string id) =>
        ApiKeyFormat.IsId(id) ? id
        : id.StartsWith(ApiKeyFormat.Scheme, StringComparison.Ordinal)
            ? throw new UsageException("give the key's id (as `aigis keys list` shows it), not the key itself")
            : throw new UsageException($"'{(id.Length <= 40 ? id : id[..40] + "...")}' is not a key id ({ApiKeyFormat.PrefixLength} letters and digits)");

    private static string Describe(KeyView key) =>
        $"id: {key.Id}  name: {key.Name}  tenant: {key.Tenant}  role: {key.Role}  expires: {(key.ExpiresAt is { } e ? Time(e) : "never")}";

    internal static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
