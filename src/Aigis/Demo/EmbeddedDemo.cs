using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Aigis.Demo;

/// <summary>
/// The fleet <c>aigis up</c> runs when given no config: simulated model services as local child processes,
/// and a config file for them under the data directory, so the demo is an ordinary config (hot reload included).
/// </summary>
/// <remarks>
/// This launcher starts and stops the simulators; supervising them (restart with backoff, health) is the
/// process deployer's job, which replaces this class when it arrives.
/// </remarks>
internal sealed class EmbeddedDemo : IAsyncDisposable
{
    public const string ChatModel = "sim-llama-3-8b";
    public const string EmbeddingModel = "sim-embed";

    private readonly List<SimProcess> _processes;

    private EmbeddedDemo(List<SimProcess> processes, string configPath)
    {
        _processes = processes;
        ConfigPath = configPath;
    }

    public string ConfigPath { get; }

    public IReadOnlyList<SimProcess> Processes => _processes;

    public static async Task<EmbeddedDemo> StartAsync(string dataDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var processes = new List<SimProcess>();
        try
        {
            var readyTimeout = TimeSpan.FromSeconds(30);
            for (var i = 1; i <= 2; i++)
            {
                processes.Add(await SimProcess.StartAsync($"chat-{i}", ["--port", "0", "--profile", "llm", "--model", ChatModel, "--seed", i.ToString(CultureInfo.InvariantCulture)], logger, readyTimeout, cancellationToken));
            }

            processes.Add(await SimProcess.StartAsync("embed-1", ["--port", "0", "--profile", "embed", "--model", EmbeddingModel], logger, readyTimeout, cancellationToken));
        }
        catch
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            throw;
        }

        var configPath = Path.Combine(dataDirectory, "demo.yaml");
        await File.WriteAllTextAsync(configPath, Render(processes), cancellationToken);
        return new EmbeddedDemo(processes, configPath);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }

    private static string Render(IReadOnlyList<SimProcess> processes)
    {
        string Instances(string prefix) => string.Join(", ", processes.Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(p => $"{{id: {p.Name}, url: \"{p.Url}\"}}"));
        var text = new StringBuilder();
        text.AppendLine("# Written by `aigis up` for the embedded demo; rewritten at every start.");
        text.AppendLine("# The instances are aigis-sim processes started on free ports. Edits apply live.");
        text.AppendLine("services:");
        text.AppendLine("  - name: chat");
        text.AppendLine("    kind: llm");
        text.AppendLine($"    models: [{ChatModel}]");
        text.AppendLine($"    instances: [{Instances("chat-")}]");
        text.AppendLine("  - name: embed");
        text.AppendLine("    kind: llm");
        text.AppendLine($"    models: [{EmbeddingModel}]");
        text.AppendLine($"    instances: [{Instances("embed-")}]");
        return text.ToString();
    }
}
