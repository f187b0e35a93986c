using Aigis.Core.Configuration;
using Aigis.Deployers;
using Aigis.Hosting;

namespace Aigis.Alerts;

/// <summary>
/// Remediations against what this gateway runs. <c>scale-up</c> adds one replica to a process service (up to its
/// maximum) by applying the running config with the higher count, which the process deployer reconciles to; it holds
/// until the next config reload, which restores the file's count. <c>restart-instance</c> stops the process of the
/// service's worst replica (an unhealthy one, else the one with the highest time to first byte), which its supervisor
/// restarts as it restarts any exited replica.
/// </summary>
/// <remarks>
/// <c>eject-instance</c> ejects the service's slowest instance in rotation through an <see cref="IInstanceEjector"/>,
/// which the resilience stage's outlier ejection implements (<see cref="Resilience.OutlierEjector"/>): the same
/// length, backoff and cap as an ejection earned by live traffic.
/// </remarks>
internal sealed class ControlPlaneRemediator(GatewayState state, IDeployer deployer, TimeProvider time, IInstanceEjector? ejector = null) : IAlertRemediator
{
    public Task<string> RemediateAsync(AlertRemediation action, string service, CancellationToken cancellationToken) => action switch
    {
        AlertRemediation.ScaleUp => Task.FromResult(ScaleUp(service)),
        AlertRemediation.RestartInstance => Task.FromResult(RestartWorst(service)),
        AlertRemediation.EjectInstance => Task.FromResult(EjectSlowest(service)),
        _ => Task.FromResult("none"),
    };

    private string ScaleUp(string service)
    {
        var config = state.Config;
        var index = -1;
        for (var i = 0; i < config.Services.Count; i++)
        {
            if (config.Services[i].Name == service)
            {
                index = i;
            }
        }

        if (index < 0 || config.Services[index].Process is not { } process)
        {
            return $"scale-up needs a runtime: process service; {service} is not one";
        }

        if (process.Replicas >= ProcessConfig.MaxReplicas)
        {
            return $"already at the maximum of {ProcessConfig.MaxReplicas} replicas";
        }

        var services = config.Services.ToArray();
        services[index] = services[index] with { Process = process with { Replicas = process.Replicas + 1 } };
        state.Apply(config with { Services = services });
        return $"scaled from {process.Replicas} to {process.Replicas + 1} replicas (until the next config reload)";
    }

    private string EjectSlowest(string service)
    {
        if (ejector is null)
        {
            return "eject-instance is not wired to outlier ejection yet; nothing was ejected";
        }

        if (!state.Routes.ByName.TryGetValue(service, out var route))
        {
            return $"no service {service}";
        }

        var now = time.GetTimestamp();
        var slowest = route.Instances.Where(i => i.IsHealthy).OrderByDescending(i => i.Latency.EstimateMs(now, time)).FirstOrDefault();
        if (slowest is null)
        {
            return "no instance in rotation to eject";
        }

        return ejector.Eject(service, slowest.Id, "alert remediation")
            ? $"ejected instance {slowest.Id}"
            : $"instance {slowest.Id} was not ejected (the outlier detector refused)";
    }

    private string RestartWorst(string service)
    {
        var replicas = deployer.Replicas.Where(r => r.Service == service && r.ProcessId is not null).ToArray();
        if (replicas.Length == 0)
        {
            return $"no running replica of {service} to restart";
        }

        var now = time.GetTimestamp();
        var instances = state.Routes.ByName.TryGetValue(service, out var route) ? route.Instances : [];
        var worst = replicas
            .OrderByDescending(r => r.State != ReplicaState.Healthy)
            .ThenByDescending(r => instances.FirstOrDefault(i => i.Url == r.Url)?.Latency.EstimateMs(now, time) ?? 0)
            .First();
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(worst.ProcessId!.Value);
            process.Kill(entireProcessTree: true);
            return $"stopped replica {worst.Name} (pid {worst.ProcessId}); its supervisor restarts it";
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // The process exited on its own in between: the supervisor is already restarting it.
            return $"replica {worst.Name} had already exited";
        }
    }
}
