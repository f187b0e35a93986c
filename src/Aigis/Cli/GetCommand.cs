using System.CommandLine;
using System.Text.Json;

namespace Aigis.Cli;

/// <summary>
/// <c>aigis get services|instances|keys|tenants|alerts|bans|replicas [NAME]</c>: a list (every page, followed by cursor)
/// or one item, as a table or the admin API's JSON or YAML.
/// </summary>
internal static class GetCommand
{
    /// <summary>What each resource reads and which columns its table shows.</summary>
    private sealed record Resource(string List, Func<string, string>? One, Func<JsonElement, string>? Name, (string Header, string Path)[] Columns);

    private static readonly Dictionary<string, Resource> s_resources = new(StringComparer.Ordinal)
    {
        ["services"] = new("/admin/v1/services", n => $"/admin/v1/services/{n}", null,
            [("NAME", "name"), ("KIND", "kind"), ("RUNTIME", "runtime"), ("BALANCER", "balancer"), ("REPLICAS", "desired_replicas"), ("INSTANCES", "instances"), ("HEALTHY", "healthy_instances"), ("IN-FLIGHT", "in_flight"), ("MODELS", "models")]),
        ["instances"] = new("/admin/v1/instances", n => $"/admin/v1/services/{n}/instances", null,
            [("SERVICE", "service"), ("ID", "id"), ("URL", "url"), ("HEALTHY", "healthy"), ("EJECTED", "ejected"), ("BREAKER", "breaker"), ("IN-FLIGHT", "in_flight"), ("KV", "scraped.kv_cache_usage"), ("WAITING", "scraped.waiting"), ("LIMIT", "admission.limit"), ("QUEUED", "admission.queued")]),
        ["replicas"] = new("/admin/v1/replicas", n => $"/admin/v1/replicas?service={Uri.EscapeDataString(n)}", null,
            [("SERVICE", "service"), ("NAME", "name"), ("STATE", "state"), ("URL", "url"), ("PID", "process_id"), ("RESTARTS", "restarts"), ("SINCE", "since")]),
        ["keys"] = new("/admin/v1/keys", n => $"/admin/v1/keys/{n}", null,
            [("ID", "id"), ("NAME", "name"), ("TENANT", "tenant"), ("ROLE", "role"), ("STATUS", "status"), ("CREATED", "created_at"), ("EXPIRES", "expires_at")]),
        ["tenants"] = new("/admin/v1/tenants", n => $"/admin/v1/tenants/{n}", null,
            [("NAME", "name"), ("ROLE", "role"), ("PRIORITY", "priority"), ("SERVICES", "services"), ("MODELS", "models"), ("RPM", "limits.requests_per_minute"), ("TPM", "limits.tokens_per_minute")]),
        ["alerts"] = new("/admin/v1/alerts", null, a => a.GetProperty("alert").GetString()!,
            [("ALERT", "alert"), ("STATE", "state"), ("SEVERITY", "severity"), ("VALUE", "value"), ("SINCE", "since"), ("SUMMARY", "summary")]),
        ["bans"] = new("/admin/v1/bans", null, b => b.GetProperty("address").GetString()!,
            [("ADDRESS", "address"), ("REASON", "reason"), ("COUNT", "count"), ("SINCE", "since"), ("UNTIL", "until")]),
    };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var kind = new Argument<string>("RESOURCE") { Description = string.Join('|', s_resources.Keys) };
        kind.AcceptOnlyFromAmong([.. s_resources.Keys]);
        var name = new Argument<string?>("NAME") { Description = "One item by name or id (for instances and replicas: a service).", Arity = ArgumentArity.ZeroOrOne };
        var format = CliOutput.FormatOption();
        var limit = new Option<int>("--limit") { Description = "At most this many items (default: all, page by page).", DefaultValueFactory = _ => int.MaxValue };
        var command = new Command("get", "List a kind of resource, or show one, from a running aigis.") { kind, name, format, limit };
        var connection = AdminConnection.AddTo(command);
        command.SetAction((parse, cancellation) => AdminCommand.RunAsync("aigis get", parse, connection, error, async client =>
        {
            var resource = s_resources[parse.GetValue(kind)!];
            var itemName = parse.GetValue(name);
            if (parse.GetValue(limit) < 1)
            {
                throw new UsageException("--limit must be at least 1");
            }

            JsonElement document;
            if (itemName is not null && resource.One is not null)
            {
                if (itemName.Length > 200)
                {
                    throw new UsageException("NAME is longer than any name aigis gives out");
                }

                var path = resource.One(Uri.EscapeDataString(itemName));
                document = path.EndsWith("/instances", StringComparison.Ordinal) || path.Contains('?', StringComparison.Ordinal)
                    ? await client.GetAllAsync(path, parse.GetValue(limit), cancellation)
                    : await client.GetJsonAsync(path, cancellation);
                if (document.TryGetProperty("service", out var summary) && summary.ValueKind == JsonValueKind.Object)
                {
                    // services/NAME answers a detail; its table row is the summary (`aigis describe` shows the rest).
                    document = parse.GetValue(format) == CliOutput.Table ? summary : document;
                }
            }
            else
            {
                document = await client.GetAllAsync(resource.List, parse.GetValue(limit), cancellation);
                if (itemName is not null)
                {
                    var matching = document.GetProperty("data").EnumerateArray().Where(i => resource.Name!(i) == itemName).ToList();
                    if (matching.Count == 0)
                    {
                        throw new AdminApiException($"there is no {parse.GetValue(kind)![..^1]} '{itemName}'");
                    }

                    document = CliOutput.ListOf(JsonSerializer.SerializeToElement(matching, AdminCliJsonContext.Default.ListJsonElement));
                }
            }

            CliOutput.Write(output, parse.GetValue(format)!, document, resource.Columns);
        }, cancellation));
        return command;
    }
}
