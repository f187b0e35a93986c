using Aigis.Core.Configuration;

namespace Aigis.Core.Tests.Configuration;

/// <summary><c>runtime: docker</c>: a service's <c>docker</c> section and the top-level engine address.</summary>
public sealed class DockerConfigTests
{
    private const string Full = """
        docker: {host: "unix:///tmp/aigis-docker/docker.sock"}
        services:
          - name: chat
            kind: llm
            models: [m]
            runtime: docker
            resources: {cpu: 500m, memory: 256Mi}
            docker:
              image: aigis-sim:local
              buildFrom: ./artifacts/aigis-sim
              command: /app/aigis-sim
              args: [--port, "{port}", --seed, "{replica}"]
              replicas: 3
              healthPath: /ready
              startTimeout: 45s
              stopTimeout: 5s
              restart: on-failure
              env: {SIM_REPLICA: "{replica}"}
        """;

    [Fact]
    public void A_docker_section_binds_every_key_and_writes_back_the_same()
    {
        var config = Load(Full);

        var docker = config.Services[0].Docker!;
        Assert.Equal(RuntimeKind.Docker, config.Services[0].Runtime);
        Assert.Equal(new DockerConfig
        {
            Image = "aigis-sim:local",
            BuildFrom = "./artifacts/aigis-sim",
            Command = "/app/aigis-sim",
            Args = ["--port", "{port}", "--seed", "{replica}"],
            Replicas = 3,
            HealthPath = "/ready",
            StartTimeout = TimeSpan.FromSeconds(45),
            StopTimeout = TimeSpan.FromSeconds(5),
            Restart = DockerRestartPolicy.OnFailure,
            Env = new Dictionary<string, string> { ["SIM_REPLICA"] = "{replica}" },
        }, docker);
        Assert.Equal(new Uri("unix:///tmp/aigis-docker/docker.sock"), config.Docker.Host);

        var again = Load(ConfigWriter.ToYaml(config));
        Assert.Equal(docker, again.Services[0].Docker);
        Assert.Equal(config.Docker, again.Docker);
        Assert.Equal(config.Services[0].Resources, again.Services[0].Resources);
    }

    [Fact]
    public void Defaults_keep_the_image_entrypoint_and_restart_unless_stopped()
    {
        var docker = Load("services:\n  - name: a\n    runtime: docker\n    docker: {image: srv, args: [\"{port}\"]}\n").Services[0].Docker!;

        Assert.Null(docker.Command);
        Assert.Null(docker.BuildFrom);
        Assert.Equal((1, "/health", DockerRestartPolicy.UnlessStopped), (docker.Replicas, docker.HealthPath, docker.Restart));
        Assert.Equal((ProcessConfig.DefaultStartTimeout, DockerConfig.DefaultStopTimeout), (docker.StartTimeout, docker.StopTimeout));
    }

    [Theory]
    [InlineData(null, "unix:///var/run/docker.sock")]
    [InlineData("tcp://127.0.0.1:2375", "tcp://127.0.0.1:2375")]
    [InlineData("not a uri", "unix:///var/run/docker.sock")]
    public void The_engine_is_the_config_host_else_DOCKER_HOST_else_the_default_socket(string? variable, string expected)
    {
        Assert.Equal(new Uri(expected), new DockerEngineConfig().EffectiveHost(variable));
        Assert.Equal(new Uri("unix:///x.sock"), new DockerEngineConfig { Host = new Uri("unix:///x.sock") }.EffectiveHost(variable));
    }

    [Theory]
    [InlineData("docker: {args: [\"{port}\"]}", "services[a].docker: a docker service needs an 'image'")]
    [InlineData("docker: {image: srv}", "services[a].docker: pass \"{port}\" to the container")]
    [InlineData("docker: {image: srv, args: [\"{port}\"], restart: sometimes}", "services[a].docker.restart: unknown value")]
    [InlineData("docker: {image: srv, args: [\"{port}\"], stopTimeout: 0s}", "services[a].docker.stopTimeout")]
    [InlineData("docker: {image: srv, args: [\"{port}\"], replicas: 0}", "services[a].docker.replicas must be between 1 and 64")]
    [InlineData("docker: {image: \"two words\", args: [\"{port}\"]}", "services[a].docker.image: 'two words' is not an image name")]
    [InlineData("docker: {image: srv, args: [\"{port}\", {replica}]}", "services[a].docker.args[1]: write \"{replica}\" in quotes")]
    [InlineData("docker: {image: srv, args: [\"{port}\"], ports: [80]}", "unknown key 'ports' in services[a].docker")]
    public void An_invalid_docker_section_is_reported_by_key(string section, string message)
    {
        var result = ConfigLoader.LoadText($"services:\n  - name: a\n    runtime: docker\n    {section}\n", "aigis.yaml");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("runtime: docker", "services[a]: runtime: docker needs a 'docker' section")]
    [InlineData("docker: {image: srv, args: [\"{port}\"]}\n    instances: [{url: \"http://127.0.0.1:9000\"}]", "services[a]: 'docker' applies only to runtime: docker")]
    [InlineData("runtime: docker\n    docker: {image: srv, args: [\"{port}\"]}\n    instances: [{url: \"http://127.0.0.1:9000\"}]", "services[a]: 'instances' cannot be combined with runtime: docker")]
    public void A_docker_section_goes_with_runtime_docker_only(string body, string message)
    {
        var result = ConfigLoader.LoadText($"services:\n  - name: a\n    {body}\n", "aigis.yaml");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docker: {host: \"ftp://x\"}", "docker.host: 'ftp://x' is not an engine address")]
    [InlineData("docker: {socket: /x}", "unknown key 'socket' in docker")]
    public void An_invalid_engine_section_is_reported(string section, string message)
    {
        var error = Assert.Single(ConfigLoader.LoadText(section + "\n", "aigis.yaml").Errors);

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    private static AigisConfig Load(string yaml)
    {
        var result = ConfigLoader.LoadText(yaml, "aigis.yaml");
        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        return result.Config!;
    }
}
