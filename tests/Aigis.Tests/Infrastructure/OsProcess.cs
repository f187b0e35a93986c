using System.Net;
using System.Net.Sockets;

namespace Aigis.Tests.Infrastructure;

/// <summary>Looks at processes and ports from the outside, as an operator checking for leftovers would.</summary>
internal static class OsProcess
{
    /// <summary>
    /// True while <paramref name="pid"/> runs. A zombie counts as gone: it runs nothing and holds no port, and
    /// an orphan's zombie waits for whichever ancestor reaps orphans, which may take a while in containers.
    /// </summary>
    public static bool IsAlive(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // The state follows the parenthesised command name, which may itself contain spaces or parentheses.
        var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
        return state is not ("Z" or "X");
    }

    public static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Sends SIGKILL, as <c>kill -9</c> does.</summary>
    public static void Kill(int pid)
    {
        using var process = System.Diagnostics.Process.GetProcessById(pid);
        process.Kill();
    }

    /// <summary>Waits until none of <paramref name="pids"/> runs and none of <paramref name="ports"/> accepts connections.</summary>
    public static async Task AllGoneAsync(IReadOnlyCollection<int> pids, IReadOnlyCollection<int> ports, TimeSpan timeout)
    {
        await Eventually.TrueAsync(() => !pids.Any(IsAlive), timeout, () => $"still running: {string.Join(", ", pids.Where(IsAlive))}");
        foreach (var port in ports)
        {
            await Eventually.TrueAsync(async () => !await AcceptsConnectionsAsync(port), timeout, () => $"port {port} still accepts connections");
        }
    }
}
