using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Aigis.Core.Placement;

namespace Aigis.Bench.Placement;

/// <summary>Reads and writes the JSON Lines files of <c>aigis bench placement</c>: nodes, and replica requests in time order.</summary>
internal static class PlacementFiles
{
    public static (List<NodeSpec>? Nodes, string? Error) ReadNodes(string path)
    {
        var nodes = new List<NodeSpec>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var error = ReadLines(path, PlacementJsonContext.Default.NodeLine, (line, number) =>
        {
            var node = new NodeSpec(line.Name ?? string.Empty, line.CpuMilli, line.MemoryMib, line.Gpus, line.GpuModel);
            if (node.Problem() is { } problem)
            {
                return problem;
            }

            if (!names.Add(node.Name))
            {
                return $"node {node.Name} appears twice";
            }

            nodes.Add(node);
            return null;
        });
        return error is not null ? (null, error) : nodes.Count == 0 ? (null, $"{path}: no nodes") : (nodes, null);
    }

    public static (List<ReplicaLine>? Replicas, string? Error) ReadWorkload(string path)
    {
        var replicas = new List<ReplicaLine>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var error = ReadLines(path, PlacementJsonContext.Default.ReplicaLine, (line, number) =>
        {
            if (string.IsNullOrWhiteSpace(line.Service))
            {
                return "a replica needs a service";
            }

            if (!double.IsFinite(line.AtS) || line.AtS < 0 || (replicas.Count > 0 && line.AtS < replicas[^1].AtS))
            {
                return "at_s must be 0 or more and in time order";
            }

            if (line.UntilS is { } until && (!double.IsFinite(until) || until < line.AtS))
            {
                return "until_s must not be before at_s";
            }

            if (ToRequest(line).Problem() is { } problem)
            {
                return problem;
            }

            if (!names.Add(line.Name!))
            {
                return $"replica {line.Name} appears twice";
            }

            replicas.Add(line);
            return null;
        });
        return error is not null ? (null, error) : replicas.Count == 0 ? (null, $"{path}: no replicas") : (replicas, null);
    }

    public static ReplicaRequest ToRequest(ReplicaLine line) =>
        new(line.Name ?? string.Empty, line.Service ?? string.Empty, line.CpuMilli, line.MemoryMib, line.Gpus, line.GpuMilli)
        {
            GpuModels = line.GpuModels ?? [],
            MaxPerNode = line.MaxPerNode,
        };

    public static void Write<T>(string path, IEnumerable<T> lines, JsonTypeInfo<T> type)
    {
        using var writer = new StreamWriter(path);
        foreach (var line in lines)
        {
            writer.WriteLine(JsonSerializer.Serialize(line, type));
        }
    }

    private static string? ReadLines<T>(string path, JsonTypeInfo<T> type, Func<T, int, string?> accept)
    {
        try
        {
            using var reader = new StreamReader(path);
            var number = 0;
            while (reader.ReadLine() is { } text)
            {
                number++;
                if (string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

                string? problem;
                try
                {
                    problem = JsonSerializer.Deserialize(text, type) is { } line ? accept(line, number) : "a line must be a JSON object";
                }
                catch (JsonException e)
                {
                    // Outside input: malformed JSON, a wrong type or an unknown field is bad input, named by line.
                    problem = $"not a valid line: {e.Message}";
                }

                if (problem is not null)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"{path}:{number}: {problem}");
                }
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Outside the program: a missing or unreadable file is reported in one line.
            return $"{path}: cannot read: {e.Message}";
        }
    }
}
