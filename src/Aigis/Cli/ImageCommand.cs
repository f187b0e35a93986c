using System.CommandLine;
using Aigis.Core.Configuration;
using Aigis.Deployers.Docker;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aigis.Cli;

/// <summary>
/// <c>aigis image build --from DIR --tag IMAGE [--entrypoint FILE]</c>: builds an image on the Docker engine from a
/// self-contained publish directory (no registry is needed or used), for <c>runtime: docker</c> services.
/// </summary>
internal static class ImageCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var from = new Option<string>("--from") { Description = "A self-contained publish directory (dotnet publish -r linux-x64 --self-contained -p:InvariantGlobalization=true).", Required = true };
        var tag = new Option<string>("--tag") { Description = "The image name to build, e.g. aigis-sim:local.", Required = true };
        var entrypoint = new Option<string?>("--entrypoint") { Description = "The file in the directory the image runs by default (it is at /app/FILE in the image)." };
        var host = new Option<string?>("--docker-host") { Description = "The engine (unix:///path or tcp://host:port); default DOCKER_HOST, else unix:///var/run/docker.sock." };
        var build = new Command("build", "Build an image FROM scratch holding the directory at /app and the host libraries its native files load (found by ldd).")
        {
            from,
            tag,
            entrypoint,
            host,
        };
        build.SetAction(async (parse, cancellationToken) =>
        {
            var engine = parse.GetValue(host) is { } text
                ? (Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null)
                : new DockerEngineConfig().EffectiveHost(Environment.GetEnvironmentVariable("DOCKER_HOST"));
            if (engine is null)
            {
                error.WriteLine($"aigis image build: '{parse.GetValue(host)}' is not an engine address; write unix:///var/run/docker.sock or tcp://127.0.0.1:2375");
                return ExitCodes.BadInput;
            }

            using var client = DockerEngine.CreateClient(engine);
            try
            {
                await DockerEngine.ConnectAsync(client, engine, cancellationToken);
                var bytes = await new ImageBuilder(client, NullLogger.Instance).BuildAsync(parse.GetValue(from)!, parse.GetValue(tag)!, parse.GetValue(entrypoint), cancellationToken);
                output.WriteLine($"built {parse.GetValue(tag)} on {engine} ({bytes / (1 << 20)} MiB of context)");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is DockerEngineUnavailableException or DirectoryNotFoundException or FileNotFoundException or InvalidOperationException)
            {
                error.WriteLine($"aigis image build: {e.Message}");
                return e is DockerEngineUnavailableException or InvalidOperationException ? ExitCodes.RuntimeFailure : ExitCodes.BadInput;
            }
        });
        return new Command("image", "Build container images locally for runtime: docker services.") { build };
    }
}
