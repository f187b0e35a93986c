using System.CommandLine;
using System.Globalization;
using Aigis.Rollouts;

namespace Aigis.Cli;

/// <summary>
/// <c>aigis deploy SERVICE --image IMG | --command CMD | --args "ARGS"</c>: starts a rollout through the admin API, then
/// polls it and prints one line per step until it ends. Exit 0 when the new version runs on every replica,
/// <see cref="ExitCodes.RolledBack"/> (3) when it was rolled back (the reason on stderr), 1 when it was aborted or the
/// API failed, 2 for bad input.
/// </summary>
internal static class DeployCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var service = new Argument<string>("service") { Description = "The service to roll the new version out to." };
        var image = new Option<string?>("--image") { Description = "The new image (container runtimes)." };
        var command = new Option<string?>("--command") { Description = "The new command each replica runs (process runtime)." };
        var args = new Option<string?>("--args")
        {
            Description = "The new arguments, as one string split as a shell splits words (quotes and backslashes); {port} and {replica} are kept for aigis to expand.",
        };
        var detach = new Option<bool>("--detach") { Description = "Start the rollout and return at once, without following it." };
        var poll = new Option<string>("--poll") { Description = "How often to ask for progress (e.g. 500ms, 2s).", DefaultValueFactory = _ => "1s" };
        var timeout = new Option<string>("--timeout") { Description = "Stop following (exit 1; the rollout goes on) after this long.", DefaultValueFactory = _ => "1h" };
        var deploy = new Command("deploy", "Roll a new version out to a service: replicas replaced one at a time, each judged on live traffic, rolled back by itself if worse.")
        {
            service, image, command, args, detach, poll, timeout,
        };
        var connection = AdminConnection.AddTo(deploy);
        deploy.SetAction(async (parse, cancellation) =>
        {
            const string Verb = "aigis deploy";
            try
            {
                var request = Request(parse.GetValue(image), parse.GetValue(command), parse.GetValue(args));
                var interval = Duration("--poll", parse.GetValue(poll)!);
                var limit = Duration("--timeout", parse.GetValue(timeout)!);

                using var client = connection.Client(parse);
                var name = parse.GetValue(service)!;
                var started = await client.PostAsync($"/admin/v1/services/{Uri.EscapeDataString(name)}/rollouts", request,
                    RolloutJsonContext.Default.RolloutRequest, RolloutJsonContext.Default.RolloutView, cancellation);
                output.WriteLine($"rollout {Id(started)} of {started.Service} to revision {started.Revision} started: {started.Replicas} replicas to replace, {RolloutAudit.Describe(started.Change.ToChange())}");
                if (parse.GetValue(detach))
                {
                    return ExitCodes.Success;
                }

                return await FollowAsync(client, started, interval, limit, output, error, cancellation);
            }
            catch (UsageException e)
            {
                error.WriteLine($"{Verb}: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (AdminApiException e)
            {
                error.WriteLine($"{Verb}: {e.Message}");
                return ExitCodes.RuntimeFailure;
            }
        });
        return deploy;
    }

    private static TimeSpan Duration(string option, string text) =>
        Core.Configuration.DurationParser.TryParse(text, out var value, out var problem) && value > TimeSpan.Zero
            ? value
            : throw new UsageException($"{option}: {problem ?? "must be more than 0"} (e.g. 500ms, 2s, 10m)");

    private static RolloutRequest Request(string? image, string? command, string? args)
    {
        if (image is null && command is null && args is null)
        {
            throw new UsageException("say what to deploy: --image IMG, --command CMD and/or --args \"ARGS\"");
        }

        IReadOnlyList<string>? words = null;
        if (args is not null)
        {
            var (split, problem) = ShellWords.Split(args);
            words = split ?? throw new UsageException($"--args: {problem}");
        }

        return new RolloutRequest(image, command, words);
    }

    /// <summary>Polls the rollout and prints every step not printed yet, until it ends or <paramref name="timeout"/> passes.</summary>
    private static async Task<int> FollowAsync(AdminApiClient client, RolloutView rollout, TimeSpan interval, TimeSpan timeout, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var printed = 0;
        var path = $"/admin/v1/rollouts/{Id(rollout)}";
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (true)
        {
            for (; printed < rollout.Steps.Count; printed++)
            {
                output.WriteLine(Line(rollout.Steps[printed], rollout.Replicas));
            }

            switch (rollout.Status)
            {
                case RolloutStatus.Succeeded:
                    output.WriteLine($"rollout {Id(rollout)} succeeded: {rollout.Service} runs revision {rollout.Revision} on all {rollout.Replicas} replicas");
                    return ExitCodes.Success;
                case RolloutStatus.RolledBack:
                    error.WriteLine($"aigis deploy: rollout {Id(rollout)} of {rollout.Service} was rolled back: {rollout.Reason}");
                    return ExitCodes.RolledBack;
                case RolloutStatus.Aborted:
                    error.WriteLine($"aigis deploy: rollout {Id(rollout)} of {rollout.Service} was aborted: {rollout.Reason}");
                    return ExitCodes.RuntimeFailure;
            }

            if (TimeProvider.System.GetTimestamp() >= deadline)
            {
                error.WriteLine($"aigis deploy: stopped following rollout {Id(rollout)} after {Core.Configuration.DurationParser.Format(timeout)}; it goes on (see GET {path})");
                return ExitCodes.RuntimeFailure;
            }

            await Task.Delay(interval, cancellation);
            rollout = await client.GetAsync(path, RolloutJsonContext.Default.RolloutView, cancellation);
        }
    }

    private static string Line(RolloutStepJson step, int replicas)
    {
        var at = step.At.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var where = step.Replica is { } replica ? $"replica {replica}/{replicas}" : "rollout";
        return $"{at}  {where,-12} {step.Phase,-12} {step.Message}";
    }

    private static string Id(RolloutView rollout) => rollout.Id.ToString(CultureInfo.InvariantCulture);
}
