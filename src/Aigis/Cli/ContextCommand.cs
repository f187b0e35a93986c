using System.CommandLine;

namespace Aigis.Cli;

/// <summary><c>aigis context set|use|list|current</c>: named admin endpoints, so a command needs no URL or key flags.</summary>
internal static class ContextCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var context = new Command("context", $"Named admin URLs and keys, kept in ~/.aigis/config (${CliContexts.HomeVariable}/config when set).");
        context.Subcommands.Add(SetCommand(output, error));
        context.Subcommands.Add(UseCommand(output, error));
        context.Subcommands.Add(ListCommand(output, error));
        context.Subcommands.Add(CurrentCommand(output, error));
        return context;
    }

    private static Command SetCommand(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("NAME") { Description = "The context's name, e.g. local or prod." };
        var url = new Option<string>("--admin-url") { Description = "The admin API.", DefaultValueFactory = _ => AdminConnection.DefaultAdminUrl };
        var command = new Command("set", $"Add or change a context. Its admin key is read from ${AdminConnection.AdminKeyVariable} (kept out of the process list).") { name, url };
        command.SetAction(parse => Run("aigis context set", error, () =>
        {
            var contextName = CheckName(parse.GetValue(name)!);
            var urlText = parse.GetValue(url)!;
            if (!Uri.TryCreate(urlText, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new UsageException($"the admin URL '{urlText}' is not an http or https URL (e.g. {AdminConnection.DefaultAdminUrl})");
            }

            var key = Environment.GetEnvironmentVariable(AdminConnection.AdminKeyVariable);
            var file = CliContexts.Load();
            file.Contexts.TryGetValue(contextName, out var existing);
            file.Contexts[contextName] = new CliContext { AdminUrl = urlText, AdminKey = string.IsNullOrWhiteSpace(key) ? existing?.AdminKey : key.Trim() };
            CliContexts.Save(file with { Current = file.Current ?? contextName });
            output.WriteLine($"context {contextName} set ({urlText}{(file.Contexts[contextName].AdminKey is null ? ", no admin key: set " + AdminConnection.AdminKeyVariable + " and run this again" : "")})");
        }));
        return command;
    }

    private static Command UseCommand(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("NAME") { Description = "A context `aigis context list` shows." };
        var command = new Command("use", "Make a context the one admin commands use.") { name };
        command.SetAction(parse => Run("aigis context use", error, () =>
        {
            var contextName = parse.GetValue(name)!;
            var file = CliContexts.Load();
            if (!file.Contexts.TryGetValue(contextName, out var chosen))
            {
                throw new UsageException($"there is no context '{contextName}' in {CliContexts.FilePath}; `aigis context list` shows them");
            }

            CliContexts.Save(file with { Current = contextName });
            output.WriteLine($"now using context {contextName} ({chosen.AdminUrl})");
        }));
        return command;
    }

    private static Command ListCommand(TextWriter output, TextWriter error)
    {
        var format = CliOutput.FormatOption();
        var command = new Command("list", "The contexts: name, admin URL, whether a key is kept, which is current (never the key).") { format };
        command.SetAction(parse => Run("aigis context list", error, () =>
        {
            var file = CliContexts.Load();
            var rows = file.Contexts.OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => new Dictionary<string, object?> { ["name"] = c.Key, ["admin_url"] = c.Value.AdminUrl, ["has_key"] = c.Value.AdminKey is not null, ["current"] = c.Key == file.Current })
                .ToArray();
            var json = System.Text.Json.JsonSerializer.SerializeToElement(rows, CliOutputJsonContext.Default.DictionaryStringObjectArray);
            CliOutput.Write(output, parse.GetValue(format)!, CliOutput.ListOf(json), [("NAME", "name"), ("ADMIN URL", "admin_url"), ("KEY", "has_key"), ("CURRENT", "current")]);
        }));
        return command;
    }

    private static Command CurrentCommand(TextWriter output, TextWriter error)
    {
        var command = new Command("current", "The context in use.");
        command.SetAction(parse => Run("aigis context current", error, () =>
        {
            var current = CliContexts.Resolve(null) ?? throw new UsageException("no context is in use; `aigis context set NAME` makes one");
            output.WriteLine(current.Name);
        }));
        return command;
    }

    private static string CheckName(string name) =>
        name.Length is > 0 and <= 63 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? name
            : throw new UsageException($"'{(name.Length <= 40 ? name : name[..40] + "...")}' is not a context name: 1 to 63 letters, digits, '-', '_' or '.'");

    private static int Run(string verb, TextWriter error, Action action)
    {
        try
        {
            action();
            return ExitCodes.Success;
        }
        catch (UsageException e)
        {
            error.WriteLine($"{verb}: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is AdminApiException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{verb}: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
    }
}
