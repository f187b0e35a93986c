using Aigis.Core.Configuration;
using Aigis.Deployers.Docker;
using Aigis.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aigis.Tests.Deployers.Docker;

/// <summary>Without an engine: aigis says where it looked and why it failed, and needs none when no service runs on Docker.</summary>
public sealed class DockerEngineUnavailableTests
{
    [Fact]
    public async Task A_config_with_a_docker_service_fails_with_the_engine_address_and_the_reason()
    {
        var missing = new Uri($"unix:///tmp/aigis-no-engine-{Guid.NewGuid():N}.sock");
        await using var deployer = new DockerDeployer(new NullSink(), new DockerDeployerOptions { Identity = "test" }, missing, TimeProvider.System, NullLoggerFactory.Instance);

        var failure = await Assert.ThrowsAsync<DockerEngineUnavailableException>(() => deployer.ReconcileAsync(Config(RuntimeKind.Docker), CancellationToken.None));

        Assert.StartsWith($"cannot reach the Docker engine at {missing}: there is no socket at {missing.AbsolutePath}; start dockerd", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_without_docker_services_never_needs_an_engine()
    {
        await using var deployer = new DockerDeployer(new NullSink(), new DockerDeployerOptions { Identity = "test" }, new Uri("unix:///tmp/aigis-no-engine.sock"), TimeProvider.System, NullLoggerFactory.Instance);

        await deployer.ReconcileAsync(new AigisConfig(), CancellationToken.None);

        Assert.Empty(deployer.Replicas);
    }

    [Fact]
    public async Task Aigis_up_reports_an_unreachable_engine_in_one_line_and_exits_non_zero()
    {
        var directory = Directory.CreateTempSubdirectory("aigis-no-engine-").FullName;
        var config = Path.Combine(directory, "aigis.yaml");
        await File.WriteAllTextAsync(config, $$"""
            gateway: {listen: "http://127.0.0.1:0", admin: "http://127.0.0.1:0"}
            store: {path: "{{directory}}/aigis.db"}
            docker: {host: "unix://{{directory}}/docker.sock"}
            services:
              - name: web
                runtime: docker
                docker: {image: srv, args: ["{port}"]}
            """);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Aigis.Cli.AigisCli.RunAsync(["up", "--config", config], output, error);

        Assert.Equal(Aigis.Cli.ExitCodes.RuntimeFailure, code);
        Assert.Equal($"aigis up: cannot reach the Docker engine at unix://{directory}/docker.sock: there is no socket at {directory}/docker.sock; start dockerd, or point DOCKER_HOST or docker.host in the config at a running engine",
            error.ToString().Trim());
    }

    private static AigisConfig Config(RuntimeKind runtime) => new()
    {
        Services = [new ServiceConfig { Name = "web", Runtime = runtime, Docker = new Core.Configuration.DockerConfig { Image = "srv", Args = ["{port}"] } }],
    };

    private sealed class NullSink : Aigis.Deployers.IDeployedInstanceSink
    {
        public void SetDeployedInstances(string service, IReadOnlyList<InstanceConfig> instances)
        {
        }
    }
}
