using Aigis.Alerts;
using Aigis.Core.Configuration;
using Aigis.Deployers;
using Aigis.Hosting;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Alerts;

/// <summary>The remediations the control plane carries out against the process deployer, with real aigis-sim replicas.</summary>
public sealed class RemediationTests
{
    private static readonly ProcessDeployerOptions s_fast = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        HealthPollInterval = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public async Task Scale_up_adds_a_replica_and_restart_instance_replaces_one_process()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("""
              - name: rm
                kind: llm
                models: [sim-rm]
                runtime: process
                process:
                  command: aigis-sim
                  args: [--port, "{port}", --profile, llm, --model, sim-rm, --time-scale, "100"]
                  replicas: 1
            """, new AigisHostOptions { ProcessDeployer = s_fast });
        var remediator = new ControlPlaneRemediator(gateway.Host.State, gateway.Host.Deployer, TimeProvider.System);

        var scaled = await remediator.RemediateAsync(AlertRemediation.ScaleUp, "rm", CancellationToken.None);

        Assert.Contains("from 1 to 2", scaled, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => gateway.Replicas.Count(r => r.State == ReplicaState.Healthy) == 2, TimeSpan.FromSeconds(30), () => "two healthy replicas");

        var before = gateway.Replicas.ToDictionary(r => r.Name, r => r.ProcessId);
        var restarted = await remediator.RemediateAsync(AlertRemediation.RestartInstance, "rm", CancellationToken.None);

        Assert.Contains("its supervisor restarts it", restarted, StringComparison.Ordinal);
        await Eventually.TrueAsync(
            () => gateway.Replicas.Count(r => r.State == ReplicaState.Healthy && r.ProcessId != before[r.Name]) == 1 && gateway.Replicas.Count(r => r.State == ReplicaState.Healthy) == 2,
            TimeSpan.FromSeconds(30), () => "one replica replaced by a new process, both healthy");
        Assert.Contains("not wired", await remediator.RemediateAsync(AlertRemediation.EjectInstance, "rm", CancellationToken.None), StringComparison.Ordinal);
        Assert.Contains("needs a runtime: process service", await remediator.RemediateAsync(AlertRemediation.ScaleUp, "absent", CancellationToken.None), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eject_instance_asks_the_ejector_for_an_instance_in_rotation()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("""
              - name: ej
                instances: [http://127.0.0.1:9, http://127.0.0.1:10]
            """);
        var ejector = new RecordingEjector();
        var remediator = new ControlPlaneRemediator(gateway.Host.State, gateway.Host.Deployer, TimeProvider.System, ejector);
        gateway.Host.State.Routes.ByName["ej"].Instances[0].IsHealthy = false;

        var done = await remediator.RemediateAsync(AlertRemediation.EjectInstance, "ej", CancellationToken.None);

        Assert.Equal("ejected instance 127.0.0.1:10", done);
        Assert.Equal([("ej", "127.0.0.1:10")], ejector.Ejected);
    }

    [Fact]
    public async Task Eject_instance_ejects_through_outlier_detection_within_its_cap()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("""
              - name: ej
                instances: [http://127.0.0.1:9, http://127.0.0.1:10]
            """);
        var instances = gateway.Host.State.Routes.ByName["ej"].Instances;
        var remediator = new ControlPlaneRemediator(gateway.Host.State, gateway.Host.Deployer, TimeProvider.System,
            new Aigis.Resilience.OutlierEjector(gateway.Host.State, gateway.Host.HealthEvents));

        var first = await remediator.RemediateAsync(AlertRemediation.EjectInstance, "ej", CancellationToken.None);
        Assert.StartsWith("ejected instance ", first, StringComparison.Ordinal);
        Assert.Single(instances, i => i.Health.IsEjected);
        Assert.Equal(1, instances[0].Health.EjectionCount + instances[1].Health.EjectionCount);

        // Half of two instances may be out at once: the cap keeps the last one in rotation.
        var second = await remediator.RemediateAsync(AlertRemediation.EjectInstance, "ej", CancellationToken.None);
        Assert.Contains("was not ejected", second, StringComparison.Ordinal);
        Assert.Single(instances, i => i.Health.IsEjected);
    }

    private sealed class RecordingEjector : IInstanceEjector
    {
        public List<(string Service, string Instance)> Ejected { get; } = [];

        public bool Eject(string service, string instanceId, string reason)
        {
            Ejected.Add((service, instanceId));
            return true;
        }
    }
}
