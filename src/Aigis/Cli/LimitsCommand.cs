using System.CommandLine;
using Spectre.Console;

namespace Aigis.Cli;

/// <summary><c>aigis limits get [--tenant T] [--key ID]</c>: live limit counters, one row per window.</summary>
internal static class LimitsCommand
{
    private static readonly string[] s_headers = ["SCOPE", "SUBJECT", "WINDOW", "USED", "LIMIT", "REMAINING", "RESETS", "IN-FLIGHT"];

    public static Command Create(TextWriter output, TextWriter error)
    {
        var limits = new Command("limits", "Live rate and token limit counters of a running aigis.");
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant's counters." };
        var key = new Option<string?>("--key") { Description = "Only this key's counters (its id)." };
        var format = CliOutput.FormatOption();
        var get = new Command("get", "Each tenant's and key's windows: used, remaining, when they reset, and requests in flight.") { tenant, key, format };
        var connection = AdminConnection.AddTo(get);
        get.SetAction((parse, cancellation) => AdminCommand.RunAsync("aigis limits get", parse, connection, error, async client =>
        {
            var query = new List<string>();
            if (parse.GetValue(tenant) is { } t)
            {
                query.Add("tenant=" + Uri.EscapeDataString(t));
            }

            if (parse.GetValue(key) is { } k)
            {
                query.Add("key=" + Uri.EscapeDataString(k));
            }

            var list = await client.GetAllAsync("/admin/v1/limits" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), int.MaxValue, cancellation);
            var chosen = parse.GetValue(format)!;
            if (chosen != CliOutput.Table)
            {
                CliOutput.Write(output, chosen, list, []);
                return;
            }

            // One row per window: a person compares used with limit across windows at a glance.
            var rows = new List<string[]>();
            foreach (var subject in list.GetProperty("data").EnumerateArray())
            {
                foreach (var window in subject.GetProperty("windows").EnumerateArray())
                {
                    rows.Add([CliOutput.Cell(subject, "scope"), CliOutput.Cell(subject, "subject"), CliOutput.Cell(window, "kind"), CliOutput.Cell(window, "used"),
                        CliOutput.Cell(window, "limit"), CliOutput.Cell(window, "remaining"), CliOutput.Cell(window, "resets_at"), CliOutput.Cell(subject, "in_flight")]);
                }
            }

            if (rows.Count == 0)
            {
                output.WriteLine("No counters: no tenant or key with limits was used within its windows.");
                return;
            }

            var table = new Table { Border = TableBorder.None };
            foreach (var header in s_headers)
            {
                table.AddColumn(new TableColumn(header) { NoWrap = true, Padding = new Padding(0, 0, 2, 0) });
            }

            foreach (var row in rows)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }

            CliOutput.Console(output).Write(table);
        }, cancellation));
        limits.Subcommands.Add(get);
        return limits;
    }
}
