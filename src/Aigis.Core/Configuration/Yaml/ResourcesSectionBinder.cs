using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds a service's <c>resources</c> section: <c>{cpu: 500m, memory: 2Gi, gpus: 1, gpuShare: 0.5, gpuModels: [H100], maxPerNode: 2}</c>.</summary>
internal static class ResourcesSectionBinder
{
    public static readonly string[] Keys = ["cpu", "memory", "gpus", "gpuShare", "gpuModels", "maxPerNode"];

    public static ResourcesConfig Bind(YamlNode node, string path, ConfigReadContext context)
    {
        var resources = new ResourcesConfig();
        if (context.Mapping(node, path) is not { } map)
        {
            return resources;
        }

        YamlNode? shareNode = null;
        foreach (var (key, value) in context.Entries(map, path, Keys))
        {
            switch (key)
            {
                case "cpu":
                    resources = resources with { CpuMilli = Cpu(value, $"{path}.cpu", context) ?? 0 };
                    break;
                case "memory":
                    resources = resources with { MemoryBytes = context.Size(value, $"{path}.memory", 0, ResourcesConfig.MaxMemoryBytes) ?? 0 };
                    break;
                case "gpus":
                    resources = resources with { Gpus = context.Integer(value, $"{path}.gpus", 0, ResourcesConfig.MaxGpus) ?? 0 };
                    break;
                case "gpuShare":
                    shareNode = value;
                    var share = context.Number(value, $"{path}.gpuShare", 0.001, 1);
                    resources = resources with { GpuMilli = share is { } s ? (int)Math.Round(s * ResourcesConfig.WholeGpuMilli) : 0 };
                    break;
                case "gpuModels":
                    resources = resources with { GpuModels = Models(value, $"{path}.gpuModels", context) };
                    break;
                case "maxPerNode":
                    resources = resources with { MaxPerNode = context.Integer(value, $"{path}.maxPerNode", 0, 1024) ?? 0 };
                    break;
            }
        }

        if (shareNode is not null && resources.GpuMilli is > 0 and < ResourcesConfig.WholeGpuMilli && resources.Gpus != 1)
        {
            context.Error(shareNode, $"{path}.gpuShare: a share of a GPU needs gpus: 1 (it is a share of one GPU)");
        }

        if (resources.GpuMilli == ResourcesConfig.WholeGpuMilli)
        {
            resources = resources with { GpuMilli = 0 };
        }

        return resources;
    }

    /// <summary>Kubernetes' CPU quantity: <c>500m</c> (millicores), <c>0.5</c> or <c>2</c> (cores).</summary>
    internal static int? Cpu(YamlNode node, string path, ConfigReadContext context)
    {
        if (context.Scalar(node, path) is not { } text)
        {
            return null;
        }

        var span = text.AsSpan().Trim();
        double milli;
        if (span.EndsWith("m") && int.TryParse(span[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var m))
        {
            milli = m;
        }
        else if (double.TryParse(span, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cores))
        {
            milli = cores * 1000;
        }
        else
        {
            context.Error(node, $"{path}: '{text}' is not a CPU amount; write millicores (500m) or cores (0.5, 2)");
            return null;
        }

        if (milli != Math.Floor(milli) || milli < 0 || milli > ResourcesConfig.MaxCpuMilli)
        {
            context.Error(node, $"{path}: '{text}' must be whole millicores between 0 and {ResourcesConfig.MaxCpuMilli / 1000} cores");
            return null;
        }

        return (int)milli;
    }

    private static List<string> Models(YamlNode node, string path, ConfigReadContext context)
    {
        if (context.Sequence(node, path, "[H100, A100-80GB]") is not { } sequence)
        {
            return [];
        }

        var models = new List<string>();
        foreach (var item in sequence.Children)
        {
            if (context.Scalar(item, $"{path}[]") is { } model && !string.IsNullOrWhiteSpace(model))
            {
                models.Add(model.Trim());
            }
        }

        return models;
    }
}
