using System.CommandLine;
using Aigis.Core.Configuration;

namespace Aigis.Cli;

/// <summary><c>aigis audit [--since 1h] [--action A] [--actor ID]</c>: the audit log, newest first.</summary>
internal static class AuditCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var since = new Option<string?>("--since") { Description = "Only events newer than this age (1h, 30m, 7d) or time (2025-01-31T12:00:00Z)." };
        var action = new Option<string[]>("--action") { Description = "Only these actions (key.created) or families (ban.*); repeatable.", AllowMultipleArgumentsPerToken = false };
        var actor = new Option<string?>("--actor") { Description = "Only events by this key id." };
        var security = new Option<bool>("--security") { Description = "Only security events: blocks, bans, refused credentials and access." };
        var limit = new Option<int>("--limit") { Description = "At most this many events.", DefaultValueFactory = _ => 100 };
        var format = CliOutput.FormatOption();
        var command = new Command("audit", "The audit log of a running aigis: who did what, when, with what outcome.") { since, action, actor, security, limit, format };
        var connection = AdminConnection.AddTo(command);
        command.SetAction((parse, cancellation) => AdminCommand.RunAsync("aigis audit", parse, connection, error, async client =>
        {
            var query = new List<string>();
            if (parse.GetValue(since) is { } sinceText)
            {
                if (!DurationParser.TryParse(sinceText, out _, out var problem) && !DateTimeOffset.TryParse(sinceText, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    throw new UsageException($"--since: {problem}");
                }

                query.Add("since=" + Uri.EscapeDataString(sinceText));
            }

            query.AddRange((parse.GetValue(action) ?? []).Select(a => "action=" + Uri.EscapeDataString(a)));
            if (parse.GetValue(actor) is { } by)
            {
                query.Add("actor=" + Uri.EscapeDataString(by));
            }

            var max = parse.GetValue(limit);
            if (max < 1)
            {
                throw new UsageException("--limit must be at least 1");
            }

            query.Add("limit=" + Math.Min(max, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var path = (parse.GetValue(security) ? "/admin/v1/security/events?" : "/admin/v1/audit?") + string.Join('&', query);
            var events = await client.GetAllAsync(path, max, cancellation);
            CliOutput.Write(output, parse.GetValue(format)!, events,
                [("TIME", "at"), ("ACTION", "action"), ("OUTCOME", "outcome"), ("ACTOR", "actor"), ("SUBJECT", "subject"), ("REASON", "reason"), ("CLIENT", "client"), ("DETAIL", "detail")]);
        }, cancellation));
        return command;
    }
}
