using System.CommandLine;
using System.Text.Json;

namespace Aigis.Cli;

/// <summary><c>aigis describe service NAME</c>: one service in full: what it is, how it routes, each instance's live state, each replica.</summary>
internal static class DescribeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var describe = new Command("describe", "Show one resource in full.");
        var name = new Argument<string>("NAME") { Description = "The service's name, as `aigis get services` shows it." };
        var format = CliOutput.FormatOption();
        var service = new Command("service", "A service: kind, runtime, routing policy, instances with their health, load and admission, replicas.") { name, format };
        var connection = AdminConnection.AddTo(service);
        service.SetAction((parse, cancellation) => AdminCommand.RunAsync("aigis describe service", parse, connection, error, async client =>
        {
            var detail = await client.GetJsonAsync($"/admin/v1/services/{Uri.EscapeDataString(parse.GetValue(name)!)}", cancellation);
            var chosen = parse.GetValue(format)!;
            if (chosen != CliOutput.Table)
            {
                CliOutput.Write(output, chosen, detail, []);
                return;
            }

            var summary = detail.GetProperty("service");
            foreach (var (label, path) in new[]
            {
                ("Name", "name"), ("Kind", "kind"), ("Runtime", "runtime"), ("Models", "models"), ("Balancer", "balancer"),
                ("Admission", "admission"), ("Fallback", "fallback"), ("Replicas", "desired_replicas"), ("Instances", "instances"), ("Healthy", "healthy_instances"), ("In flight", "in_flight"),
            })
            {
                output.WriteLine($"{label + ":",-12}{CliOutput.Cell(summary, path)}");
            }

            output.WriteLine();
            output.WriteLine("Instances:");
            CliOutput.WriteTable(output, detail.GetProperty("instances").EnumerateArray().ToArray(),
                [("ID", "id"), ("URL", "url"), ("HEALTHY", "healthy"), ("CHECKS", "active_healthy"), ("EJECTED", "ejected"), ("BREAKER", "breaker"), ("IN-FLIGHT", "in_flight"),
                 ("PREFILL", "prefill_owed"), ("KV", "scraped.kv_cache_usage"), ("WAITING", "scraped.waiting"), ("LIMIT", "admission.limit"), ("QUEUED", "admission.queued")]);
            var replicas = detail.GetProperty("replicas");
            if (replicas.GetArrayLength() > 0)
            {
                output.WriteLine();
                output.WriteLine("Replicas:");
                CliOutput.WriteTable(output, replicas.EnumerateArray().ToArray(),
                    [("NAME", "name"), ("STATE", "state"), ("URL", "url"), ("PID", "process_id"), ("RESTARTS", "restarts"), ("LAST FAILURE", "last_failure"), ("SINCE", "since")]);
            }
        }, cancellation));
        describe.Subcommands.Add(service);
        return describe;
    }
}
