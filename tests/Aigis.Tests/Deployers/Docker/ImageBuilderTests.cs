using Aigis.Deployers.Docker;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aigis.Tests.Deployers.Docker;

/// <summary>Images built FROM scratch from a directory of dynamically linked files run, because the libraries they load come along.</summary>
[Collection(DockerEngineTests.Name)]
public sealed class ImageBuilderTests(DockerEngineFixture engine)
{
    [Fact]
    public async Task A_dynamically_linked_program_runs_in_an_image_built_from_its_directory()
    {
        var client = engine.RequireEngine();
        var directory = Directory.CreateTempSubdirectory("aigis-image-").FullName;
        File.Copy("/usr/bin/env", Path.Combine(directory, "env"));
        var builder = new ImageBuilder(client, NullLogger.Instance);

        await builder.BuildAsync(directory, "aigis-test-env:1", entrypoint: "env", CancellationToken.None);

        Assert.True(await builder.ExistsAsync("aigis-test-env:1", CancellationToken.None));
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters { Image = "aigis-test-env:1", Env = ["GREETING=from-scratch"], HostConfig = new HostConfig { NetworkMode = "host" } });
        await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        var exit = await client.Containers.WaitContainerAsync(created.ID);
        await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
        Directory.Delete(directory, recursive: true);
        Assert.Equal(0, exit.StatusCode);
    }

    [Fact]
    public async Task A_missing_directory_is_reported_by_path()
    {
        var builder = new ImageBuilder(engine.RequireEngine(), NullLogger.Instance);

        var failure = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => builder.BuildAsync("/tmp/aigis-no-such-publish", "x:1", null, CancellationToken.None));

        Assert.Equal("cannot build x:1: the publish directory /tmp/aigis-no-such-publish does not exist", failure.Message);
    }
}
