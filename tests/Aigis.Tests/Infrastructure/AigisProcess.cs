using System.Diagnostics;
using System.Text;

namespace Aigis.Tests.Infrastructure;

/// <summary>Runs the real <c>aigis</c> executable (built beside the tests) as a child process.</summary>
internal sealed class AigisProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(string Prefix, TaskCompletionSource<string> Line)> _waiters = [];

    private AigisProcess(Process process) => _process = process;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "aigis.dll");

    /// <summary>Runs a command to completion (bounded by <paramref name="timeout"/>) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TimeSpan timeout, params string[] args)
    {
        await using var process = Start(args);
        var exitCode = await process.WaitForExitAsync(timeout);
        return (exitCode, process.Stdout, process.Stderr);
    }

    public static AigisProcess Start(params string[] args) => Start(null, args);

    public static AigisProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] args) => Start(environment, null, args);

    public static AigisProcess Start(IReadOnlyDictionary<string, string>? environment, string? workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ExecutablePath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var wrapper = new AigisProcess(process);
        process.OutputDataReceived += (_, e) => wrapper.OnLine(e.Data, wrapper._stdout);
        process.ErrorDataReceived += (_, e) => wrapper.OnLine(e.Data, wrapper._stderr);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    /// <summary>Waits for a stdout line starting with <paramref name="prefix"/> and returns it.</summary>
    public Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_stdout)
        {
            var existing = _stdout.ToString().Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            _waiters.Add((prefix, waiter));
        }

        return waiter.Task.WaitAsync(timeout);
    }

    /// <summary>Sends SIGTERM, as an orchestrator stopping the process would.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line, StringBuilder sink)
    {
        if (line is null)
        {
            return;
        }

        lock (sink)
        {
            sink.Append(line).Append('\n');
            if (sink != _stdout)
            {
                return;
            }

            foreach (var (prefix, waiter) in _waiters.ToArray())
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    waiter.TrySetResult(line);
                    _waiters.Remove((prefix, waiter));
                }
            }
        }
    }

}
