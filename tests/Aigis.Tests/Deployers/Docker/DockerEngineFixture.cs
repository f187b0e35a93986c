using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using Aigis.Deployers.Docker;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Aigis.Tests.Deployers.Docker;

/// <summary>
/// A private <c>dockerd</c> for the Docker tests (RUNBOOK.md): its own socket, data and exec roots in a temporary
/// directory, no bridge and no iptables, so containers run on host networking only. Started once for the collection,
/// stopped by its process id at the end. It also builds the tests' image: busybox (Debian's static build) in an image
/// FROM scratch, whose <c>httpd</c> serves a health file on the port aigis picks. When the engine cannot start, every
/// test that needs it fails with the reason (<see cref="RequireEngine"/>); none passes without one.
/// </summary>
public sealed class DockerEngineFixture : IAsyncLifetime
{
    public const string TestImage = "aigis-test-busybox:1";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private Process? _dockerd;
    private string? _startError;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("aigis-dockerd-").FullName;

    public Uri Host => new($"unix://{Directory}/docker.sock");

    internal DockerClient Client { get; private set; } = null!;

    /// <summary>The engine, or a failed test saying exactly why there is none.</summary>
    internal DockerClient RequireEngine()
    {
        Assert.True(_startError is null, $"the Docker engine for these tests did not start: {_startError}");
        return Client;
    }

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
#pragma warning disable CA1031 // Every way the start can fail becomes the reason the tests report.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _startError = e.Message;
        }
    }

    private async Task StartAsync()
    {
        if (!File.Exists("/bin/busybox"))
        {
            throw new InvalidOperationException("/bin/busybox is missing (apt-get install -y --no-install-recommends busybox-static; .ci/run does it)");
        }

        var info = new ProcessStartInfo("dockerd") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--host", Host.ToString(), "--data-root", $"{Directory}/data", "--exec-root", $"{Directory}/exec", "--pidfile", $"{Directory}/docker.pid",
                     "--iptables=false", "--ip6tables=false", "--bridge=none"])
        {
            info.ArgumentList.Add(arg);
        }

        var log = new StringBuilder();
        try
        {
            _dockerd = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"dockerd is not installed (apt-get install -y --no-install-recommends docker.io; .ci/run does it): {e.Message}", e);
        }

        _dockerd.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        _dockerd.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        _dockerd.BeginErrorReadLine();
        _dockerd.BeginOutputReadLine();

        Client = DockerEngine.CreateClient(Host);
        using var deadline = new CancellationTokenSource(s_startTimeout);
        while (true)
        {
            if (_dockerd.HasExited)
            {
                throw new InvalidOperationException($"dockerd exited with code {_dockerd.ExitCode}: {Tail(log)}");
            }

            try
            {
                await Client.System.PingAsync(deadline.Token);
                break;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException or DockerApiException && !deadline.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                throw new InvalidOperationException($"dockerd did not answer on {Host} within {s_startTimeout.TotalSeconds}s: {Tail(log)}");
            }
        }

        await BuildTestImageAsync();
    }

    private async Task BuildTestImageAsync()
    {
        using var context = new MemoryStream();
        await using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            using var dockerfile = new MemoryStream("FROM scratch\nCOPY busybox /bin/busybox\n"u8.ToArray());
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = dockerfile, Mode = UnixFileMode.UserRead });
            await using var busybox = File.OpenRead("/bin/busybox");
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "busybox") { DataStream = busybox, Mode = UnixFileMode.UserRead | UnixFileMode.UserExecute });
        }

        context.Position = 0;
        var errors = new List<string>();
        await Client.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters { Tags = [TestImage], Remove = true }, context, null, null,
            new Progress<JSONMessage>(m => { if (m.Error?.Message is { Length: > 0 } error) { lock (errors) { errors.Add(error); } } }));
        await Client.Images.InspectImageAsync(TestImage);
        Assert.Empty(errors);
    }

    /// <summary>Every container with aigis's labels on this engine, optionally of one aigis.</summary>
    internal async Task<IList<ContainerListResponse>> ContainersAsync(string identity) =>
        await RequireEngine().Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = DockerLabels.Filter(identity) });

    public async Task DisposeAsync()
    {
        if (_dockerd is { HasExited: false } dockerd)
        {
            // Containers first, so none outlives the engine's stop.
            foreach (var container in await Client.Containers.ListContainersAsync(new ContainersListParameters { All = true }))
            {
                await Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
            }

            // SIGTERM, by its pid: dockerd then unmounts what it mounted. SIGKILL only if it does not exit in time.
            Run("kill", "-TERM", dockerd.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await dockerd.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                dockerd.Kill();
                await dockerd.WaitForExitAsync(CancellationToken.None);
            }
        }

        _dockerd?.Dispose();

        Client?.Dispose();
        Run("umount", $"{Directory}/exec/netns/default");
        Run("umount", "-R", $"{Directory}/data");
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A mount dockerd left behind; the temporary directory is the machine's to clean.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info);
        process?.WaitForExit(10_000);
    }

    private static string Tail(StringBuilder log)
    {
        lock (log)
        {
            var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(" | ", lines.TakeLast(5));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DockerEngineTests : ICollectionFixture<DockerEngineFixture>
{
    public const string Name = "docker engine";
}
