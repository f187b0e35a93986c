using Aigis.Core.Configuration;
using Aigis.Deployers;

namespace Aigis.Tests.Deployers;

public sealed class ReplicaCommandTests
{
    [Fact]
    public void Placeholders_are_expanded_in_arguments_and_environment_values()
    {
        var config = new ProcessConfig
        {
            Command = "/bin/sh",
            Args = ["--port", "{port}", "--name=r{replica}", "{port}{port}"],
            Env = new Dictionary<string, string> { ["GPU"] = "{replica}", ["URL"] = "http://127.0.0.1:{port}/" },
        };

        var (launch, error) = ReplicaCommand.Resolve(config, replica: 2, port: 41000);

        Assert.Null(error);
        Assert.Equal("/bin/sh", launch!.FileName);
        Assert.Equal(["--port", "41000", "--name=r2", "4100041000"], launch.Arguments);
        Assert.Equal("2", launch.Environment["GPU"]);
        Assert.Equal("http://127.0.0.1:41000/", launch.Environment["URL"]);
    }

    [Fact]
    public void Aigis_sim_runs_the_simulator_built_beside_aigis_under_dotnet()
    {
        var (launch, error) = ReplicaCommand.Resolve(new ProcessConfig { Command = "aigis-sim", Args = ["--port", "{port}"] }, 0, 41000);

        Assert.Null(error);
        Assert.Equal("dotnet", Path.GetFileNameWithoutExtension(launch!.FileName));
        Assert.Equal([ReplicaCommand.SimulatorPath, "--port", "41000"], launch.Arguments);
        Assert.True(File.Exists(ReplicaCommand.SimulatorPath));
    }

    [Fact]
    public void A_bare_command_is_found_on_the_path_the_replica_gets()
    {
        var directory = Directory.CreateTempSubdirectory("aigis-path-").FullName;
        File.WriteAllText(Path.Combine(directory, "my-server"), "#!/bin/sh\n");
        var config = new ProcessConfig { Command = "my-server", Env = new Dictionary<string, string> { ["PATH"] = $"/nonexistent:{directory}" } };

        var (launch, error) = ReplicaCommand.Resolve(config, 0, 41000);

        Assert.Null(error);
        Assert.Equal(Path.Combine(directory, "my-server"), launch!.FileName);
    }

    [Theory]
    [InlineData("aigis-no-such-command", "command 'aigis-no-such-command' was not found on PATH")]
    [InlineData("/nonexistent/server", "command '/nonexistent/server' does not exist")]
    public void A_missing_command_is_an_error_value(string command, string expected)
    {
        var (launch, error) = ReplicaCommand.Resolve(new ProcessConfig { Command = command }, 0, 41000);

        Assert.Null(launch);
        Assert.Equal(expected, error);
    }
}
