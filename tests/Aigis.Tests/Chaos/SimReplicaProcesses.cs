using System.Globalization;

namespace Aigis.Tests.Chaos;

/// <summary>An <c>aigis-sim</c> replica process as the OS shows it: its pid, its port and its slot (from <c>--seed {replica}</c>).</summary>
internal sealed record SimReplicaProcess(int Pid, int Port, int Slot)
{
    public Uri Url => new($"http://127.0.0.1:{Port}");
}

/// <summary>
/// Finds the simulator replicas an <c>aigis</c> process runs, by walking its descendants in <c>/proc</c> (they run
/// under a supervisor shell, in their own session, but stay in aigis's process tree). Linux only, as the process
/// deployer is.
/// </summary>
internal static class SimReplicaProcesses
{
    public static IReadOnlyList<SimReplicaProcess> Of(int aigisPid)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || ParentOf(pid) is not { } parent)
            {
                continue;
            }

            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(pid);
        }

        var found = new List<SimReplicaProcess>();
        var pending = new Queue<int>([aigisPid]);
        for (var visited = 0; pending.Count > 0 && visited < 10_000; visited++)
        {
            var pid = pending.Dequeue();
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
            {
                pending.Enqueue(child);
                if (Describe(child) is { } replica)
                {
                    found.Add(replica);
                }
            }
        }

        return found;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null; // The process ended while we looked.
        }
    }

    private static SimReplicaProcess? Describe(int pid)
    {
        string[] args;
        try
        {
            args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (args.Length == 0 || Path.GetFileName(args[0]) != "dotnet" || !args.Any(a => a.EndsWith("aigis-sim.dll", StringComparison.Ordinal)))
        {
            return null;
        }

        var port = Array.IndexOf(args, "--port");
        var seed = Array.IndexOf(args, "--seed");
        return port < 0 || seed < 0 || port + 1 >= args.Length || seed + 1 >= args.Length
            ? null
            : new SimReplicaProcess(pid, int.Parse(args[port + 1], CultureInfo.InvariantCulture), int.Parse(args[seed + 1], CultureInfo.InvariantCulture));
    }
}
