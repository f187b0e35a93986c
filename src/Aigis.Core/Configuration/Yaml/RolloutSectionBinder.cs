using Aigis.Core.Rollouts;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>
/// Binds a service's <c>rollout</c> section: <c>{maxSurge: 1, maxUnavailable: 0, analysisWindow: 30s, windows: 2,
/// canaryShare: 0.05, maxErrorRatio: 0.05, maxLatencyIncrease: 0.25, minLatencyDifference: 20ms, minRequests: 20, warmupRequests: 10}</c>.
/// </summary>
internal static class RolloutSectionBinder
{
    public static readonly string[] Keys =
        ["maxSurge", "maxUnavailable", "analysisWindow", "windows", "canaryShare", "maxErrorRatio", "maxLatencyIncrease", "minLatencyDifference", "minRequests", "warmupRequests"];

    public static RolloutOptions Bind(YamlNode node, string path, ConfigReadContext context)
    {
        var options = new RolloutOptions();
        if (context.Mapping(node, path) is not { } map)
        {
            return options;
        }

        foreach (var (key, value) in context.Entries(map, path, Keys))
        {
            var at = $"{path}.{key}";
            options = key switch
            {
                "maxSurge" => options with { MaxSurge = context.Integer(value, at, 0, RolloutOptions.MaxSurgeLimit) ?? options.MaxSurge },
                "maxUnavailable" => options with { MaxUnavailable = context.Integer(value, at, 0, ProcessConfig.MaxReplicas) ?? options.MaxUnavailable },
                "analysisWindow" => options with { AnalysisWindow = context.Duration(value, at, RolloutOptions.MinAnalysisWindow, RolloutOptions.MaxAnalysisWindow) ?? options.AnalysisWindow },
                "windows" => options with { Windows = context.Integer(value, at, 1, RolloutOptions.MaxWindows) ?? options.Windows },
                "canaryShare" => options with { CanaryShare = context.Number(value, at, RolloutOptions.MinCanaryShare, RolloutOptions.MaxCanaryShare) ?? options.CanaryShare },
                "maxErrorRatio" => options with { MaxErrorRatio = context.Number(value, at, 0, 1) ?? options.MaxErrorRatio },
                "maxLatencyIncrease" => options with { MaxLatencyIncrease = context.Number(value, at, 0, 100) ?? options.MaxLatencyIncrease },
                "minLatencyDifference" => options with { MinLatencyDifference = context.Duration(value, at, TimeSpan.Zero, TimeSpan.FromMinutes(10)) ?? options.MinLatencyDifference },
                "minRequests" => options with { MinRequests = context.Integer(value, at, 1, 1_000_000) ?? options.MinRequests },
                _ => options with { WarmupRequests = context.Integer(value, at, 0, 1_000_000) ?? options.WarmupRequests },
            };
        }

        if (options.MaxSurge == 0 && options.MaxUnavailable == 0)
        {
            context.Error(node, $"{path}: maxSurge and maxUnavailable cannot both be 0: a replica could then be neither added nor taken out");
        }

        return options;
    }
}
