using System.CommandLine;
using System.Text.Json;

namespace Aigis.Cli;

/// <summary><c>aigis config diff FILE</c>: what a reload of FILE would change on a running aigis, setting by setting.</summary>
internal static class ConfigCommand
{
    private const int MaxConfig = 1024 * 1024;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = new Command("config", "The running config of an aigis.");
        var file = new Argument<FileInfo>("FILE") { Description = "A config file to compare with the running one." };
        var format = CliOutput.FormatOption();
        var diff = new Command("diff", "What a reload of FILE would change against the running config; its problems if it would be refused (exit 2).") { file, format };
        var connection = AdminConnection.AddTo(diff);
        diff.SetAction((parse, cancellation) => AdminCommand.RunAsync("aigis config diff", parse, connection, error, async client =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new UsageException($"{path.FullName}: no such file");
            }

            if (path.Length > MaxConfig)
            {
                throw new UsageException($"{path.Name} is larger than a config can be ({MaxConfig / 1024} KiB)");
            }

            var text = await File.ReadAllTextAsync(path.FullName, cancellation);
            var answer = await client.PostTextAsync($"/admin/v1/config/diff?name={Uri.EscapeDataString(parse.GetValue(file)!.ToString())}", text, "application/yaml", cancellation);
            var chosen = parse.GetValue(format)!;
            if (!answer.GetProperty("valid").GetBoolean())
            {
                foreach (var problem in answer.GetProperty("errors").EnumerateArray())
                {
                    error.WriteLine(problem.GetString());
                }

                throw new UsageException($"{path.Name} would be refused: {answer.GetProperty("errors").GetArrayLength()} problems");
            }

            if (chosen != CliOutput.Table)
            {
                CliOutput.Write(output, chosen, answer, []);
                return;
            }

            var changes = answer.GetProperty("changes");
            if (changes.GetArrayLength() == 0)
            {
                output.WriteLine("no changes: a reload of this file would change nothing");
                return;
            }

            foreach (var change in changes.EnumerateArray())
            {
                output.WriteLine(Line(change));
            }
        }, cancellation));
        config.Subcommands.Add(diff);
        return config;
    }

    private static string Line(JsonElement change)
    {
        var path = change.GetProperty("path").GetString();
        var before = change.GetProperty("before").GetString();
        var after = change.GetProperty("after").GetString();
        return change.GetProperty("change").GetString() switch
        {
            "added" => $"+ {path}: {after}",
            "removed" => $"- {path}: {before}",
            _ => $"~ {path}: {before} -> {after}",
        };
    }
}
