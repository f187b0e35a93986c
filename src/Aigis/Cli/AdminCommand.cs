using System.CommandLine;

namespace Aigis.Cli;

/// <summary>What the admin commands (<c>aigis keys</c>, <c>aigis tenants</c>) share: one call, its errors as one line and an exit code.</summary>
internal static class AdminCommand
{
    public static async Task<int> RunAsync(string verb, ParseResult parse, AdminConnection connection, TextWriter error, Func<AdminApiClient, Task> action, CancellationToken cancellation)
    {
        try
        {
            using var client = connection.Client(parse);
            await action(client);
            return ExitCodes.Success;
        }
        catch (UsageException e)
        {
            error.WriteLine($"{verb}: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (AdminApiException e)
        {
            error.WriteLine($"{verb}: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
    }
}

/// <summary>Bad input found before calling the API: exit 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The <c>--admin-url</c> and <c>--admin-key</c> options of one command, with their variables
/// <c>AIGIS_ADMIN_URL</c> / <c>AIGIS_ADMIN_KEY</c> (the variable keeps the key out of the process list and shell history).
/// </summary>
internal sealed class AdminConnection
{
    public const string AdminUrlVariable = "AIGIS_ADMIN_URL";
    public const string AdminKeyVariable = "AIGIS_ADMIN_KEY";
    public const string DefaultAdminUrl = "http://127.0.0.1:8081";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);

    private readonly Option<string?> _url = new("--admin-url") { Description = $"The admin API (default ${AdminUrlVariable}, else {DefaultAdminUrl})." };
    private readonly Option<string?> _key = new("--admin-key") { Description = $"An admin key (default ${AdminKeyVariable}; prefer the variable: flags show in the process list)." };
    private readonly Option<string?> _context = new("--context") { Description = "A context from ~/.aigis/config (default: the one `aigis context use` chose)." };

    public static AdminConnection AddTo(Command command)
    {
        var connection = new AdminConnection();
        command.Options.Add(connection._url);
        command.Options.Add(connection._key);
        command.Options.Add(connection._context);
        return connection;
    }

    /// <summary>Each of URL and key from, in order: the flag, the variable, the context (named or current), the default.</summary>
    public AdminApiClient Client(ParseResult parse)
    {
        var context = CliContexts.Resolve(parse.GetValue(_context))?.Context;
        var urlText = parse.GetValue(_url) ?? NonEmpty(Environment.GetEnvironmentVariable(AdminUrlVariable)) ?? context?.AdminUrl ?? DefaultAdminUrl;
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"the admin URL '{urlText}' is not an http or https URL (e.g. {DefaultAdminUrl})");
        }

        var key = parse.GetValue(_key) ?? NonEmpty(Environment.GetEnvironmentVariable(AdminKeyVariable)) ?? context?.AdminKey
            ?? throw new UsageException($"no admin key: set {AdminKeyVariable} (the `admin key:` line aigis up printed at its first start) or pass --admin-key");
        return new AdminApiClient(url, key.Trim(), s_timeout);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
