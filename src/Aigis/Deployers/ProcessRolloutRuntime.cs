using Aigis.Core.Configuration;
using Aigis.Rollouts;

namespace Aigis.Deployers;

/// <summary>
/// Rollouts on the <c>process</c> runtime: a new version is a new command or new arguments; each new replica is a
/// process started beside the old ones (named <c>service-slot-rREVISION</c>, so the two are told apart in metrics and
/// logs), published with its canary share once healthy.
/// </summary>
internal sealed class ProcessRolloutRuntime(ProcessDeployer deployer) : IRolloutRuntime
{
    public RuntimeKind Runtime => RuntimeKind.Process;

    public string Baseline(ServiceConfig service)
    {
        if (service.Process is not { } process)
        {
            return "";
        }

        using var buffer = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("command", process.Command);
            json.WriteStartArray("args");
            foreach (var arg in process.Args)
            {
                json.WriteStringValue(arg);
            }

            json.WriteEndArray();
            json.WriteString("healthPath", process.HealthPath);
            json.WriteNumber("startTimeoutMs", (long)process.StartTimeout.TotalMilliseconds);
            json.WriteStartObject("env");
            foreach (var (key, value) in process.Env.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public (ServiceConfig? Target, string? Error) Apply(ServiceConfig current, RolloutChange change)
    {
        if (current.Process is not { } process)
        {
            return (null, $"service '{current.Name}' has no process section");
        }

        if (change.Image is not null)
        {
            return (null, $"service '{current.Name}' runs on the process runtime, which runs commands, not images: use --command and --args");
        }

        var next = process with { Command = change.Command ?? process.Command, Args = change.Args ?? process.Args };
        return (current with { Process = next }, null);
    }

    public IRolloutSession? Begin(ServiceConfig current, ServiceConfig target, int revision)
    {
        if (deployer.Deployment(current.Name) is not { } deployment || current.Process is not { } from || target.Process is not { } to || !deployment.TryBeginRollout())
        {
            return null;
        }

        return new Session(deployment, from, to, revision);
    }

    private sealed class Session(ServiceDeployment deployment, ProcessConfig from, ProcessConfig to, int revision) : IRolloutSession
    {
        public int Replicas { get; } = deployment.SlotReplicas.Count;

        public IReadOnlyList<string> StableInstances =>
            deployment.SlotReplicas.Where(r => !r.Name.EndsWith(Suffix, StringComparison.Ordinal)).Select(r => r.Name).ToArray();

        private string Suffix => $"-r{revision}";

        public Task<(string? InstanceId, string? Failure)> StartAsync(int slot, double canaryShare, bool surge, CancellationToken cancellationToken) =>
            deployment.StartIncomingAsync(slot, to with { Replicas = from.Replicas }, $"{deployment.Service}-{slot}{Suffix}", canaryShare, surge, cancellationToken);

        public string? Lost() => deployment.IncomingLost();

        public Task PromoteAsync(int slot, CancellationToken cancellationToken) => deployment.PromoteIncomingAsync(slot);

        public async Task<string?> RollBackAsync(CancellationToken cancellationToken)
        {
            await deployment.DiscardIncomingAsync();
            var problems = new List<string>();
            foreach (var slot in deployment.SlotsNotRunning(from))
            {
                // The previous version comes back beside the new one, which leaves once it is healthy. If the previous
                // version cannot start either, the new one keeps the slot: a replica that serves beats none.
                var (_, failure) = await deployment.StartIncomingAsync(slot, from, $"{deployment.Service}-{slot}", share: null, surge: true, cancellationToken);
                if (failure is null)
                {
                    await deployment.PromoteIncomingAsync(slot);
                }
                else
                {
                    problems.Add($"replica {slot + 1} of the previous version did not start ({failure}); the new version keeps that slot");
                }
            }

            return problems.Count == 0 ? null : string.Join("; ", problems);
        }

        public void End(bool succeeded) => deployment.EndRollout(succeeded ? to with { Replicas = from.Replicas } : null);
    }
}
