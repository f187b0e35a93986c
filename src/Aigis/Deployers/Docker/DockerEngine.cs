using System.Net.Http;
using System.Net.Sockets;
using Docker.DotNet;

namespace Aigis.Deployers.Docker;

/// <summary>A connection to one Docker engine, proven by a ping before anything is asked of it.</summary>
internal static class DockerEngine
{
    /// <summary>A client for the engine at <paramref name="host"/> (<c>unix:///path</c> or <c>tcp://host:port</c>).</summary>
    public static DockerClient CreateClient(Uri host) => new DockerClientBuilder().WithEndpoint(host).Build();

    /// <summary>Pings the engine and returns its version, or throws <see cref="DockerEngineUnavailableException"/> saying why not.</summary>
    public static async Task<string> ConnectAsync(DockerClient client, Uri host, CancellationToken cancellationToken)
    {
        if (host.Scheme == "unix" && !File.Exists(host.AbsolutePath))
        {
            throw new DockerEngineUnavailableException(
                $"cannot reach the Docker engine at {host}: there is no socket at {host.AbsolutePath}; start dockerd, or point DOCKER_HOST or docker.host in the config at a running engine");
        }

        try
        {
            await client.System.PingAsync(cancellationToken);
            var version = await client.System.GetVersionAsync(cancellationToken);
            return $"{version.Version} (API {version.APIVersion})";
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or DockerApiException or TimeoutException ||
                                  (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DockerEngineUnavailableException(
                $"cannot reach the Docker engine at {host} ({Innermost(e).Message}); start dockerd, or point DOCKER_HOST or docker.host in the config at a running engine",
                e);
        }
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
