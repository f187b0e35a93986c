using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Aigis.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> on 127.0.0.1 and a free port, in its own temporary directory, started and stopped by
/// its process id (RUNBOOK.md); it can be stopped mid-test and started again on the same port, as an outage would.
/// CI installs the Debian package (.ci/run).
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string[] _extraArgs;
    private Process? _process;

    private RedisServer(int port, string directory, string[] extraArgs)
    {
        Port = port;
        _directory = directory;
        _extraArgs = extraArgs;
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>, as <c>state.redis</c> takes it.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    /// <param name="extraArgs">More redis-server arguments (e.g. <c>--rename-command EVAL ""</c>).</param>
    public static async Task<RedisServer> StartAsync(params string[] extraArgs)
    {
        var server = new RedisServer(FreePort(), Directory.CreateTempSubdirectory("aigis-redis-").FullName, extraArgs);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) on the same port, empty, and waits for PONG.</summary>
    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])["--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--dir", _directory, .. _extraArgs])
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            _process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is not installed (apt-get install -y --no-install-recommends redis-server; .ci/run does it)", e);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.TrueAsync(PongAsync, TimeSpan.FromSeconds(10), () => $"redis-server on port {Port} did not answer PING");
    }

    /// <summary>Kills the server (SIGKILL: an outage, not a goodbye) and waits until its port is closed.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
        await OsProcess.AllGoneAsync([], [Port], TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<bool> PongAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
