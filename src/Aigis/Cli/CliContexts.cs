using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aigis.Cli;

/// <summary>One named admin endpoint: its URL and admin key.</summary>
internal sealed record CliContext
{
    public string AdminUrl { get; init; } = AdminConnection.DefaultAdminUrl;

    public string? AdminKey { get; init; }
}

/// <summary>The contexts file: named contexts and the one in use.</summary>
internal sealed record CliContextFile
{
    public string? Current { get; init; }

    public Dictionary<string, CliContext> Contexts { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The contexts in <c>~/.aigis/config</c>, kubectl-style (<c>$AIGIS_CONFIG_HOME/config</c> when that is set, so tests
/// and several setups can keep their own). The file is JSON, which YAML readers read too; it holds admin keys, so it is
/// written readable by its owner only.
/// </summary>
internal static class CliContexts
{
    public const string HomeVariable = "AIGIS_CONFIG_HOME";

    public static string FilePath
    {
        get
        {
            var home = Environment.GetEnvironmentVariable(HomeVariable);
            if (string.IsNullOrWhiteSpace(home))
            {
                home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aigis");
            }

            return Path.Combine(home, "config");
        }
    }

    public static CliContextFile Load()
    {
        var path = FilePath;
        if (!File.Exists(path))
        {
            return new CliContextFile();
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), CliJsonContext.Default.CliContextFile) ?? new CliContextFile();
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path} is not a valid contexts file ({e.Message}); fix or remove it");
        }
        catch (IOException e)
        {
            throw new AdminApiException($"cannot read {path}: {e.Message}");
        }
    }

    public static void Save(CliContextFile file)
    {
        var path = FilePath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(file, CliJsonContext.Default.CliContextFile));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The named context, or the current one when no name is given; null when there is none.</summary>
    public static (string Name, CliContext Context)? Resolve(string? name)
    {
        var file = Load();
        var chosen = name ?? file.Current;
        if (chosen is null)
        {
            return null;
        }

        return file.Contexts.TryGetValue(chosen, out var context)
            ? (chosen, context)
            : throw new UsageException($"there is no context '{chosen}' in {FilePath}; `aigis context list` shows them");
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CliContextFile))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
