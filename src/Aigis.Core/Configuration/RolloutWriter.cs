using System.Globalization;
using Aigis.Core.Rollouts;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration;

/// <summary>Writes a service's <c>rollout</c> section for <see cref="ConfigWriter"/>, in the loader's vocabulary; nothing when it is all defaults.</summary>
internal static class RolloutWriter
{
    public static void Add(YamlMappingNode node, ServiceConfig service)
    {
        var rollout = service.Rollout;
        if (rollout == new RolloutOptions())
        {
            return;
        }

        node.Add("rollout", new YamlMappingNode
        {
            { "maxSurge", Plain(rollout.MaxSurge.ToString(CultureInfo.InvariantCulture)) },
            { "maxUnavailable", Plain(rollout.MaxUnavailable.ToString(CultureInfo.InvariantCulture)) },
            { "analysisWindow", Plain(DurationParser.Format(rollout.AnalysisWindow)) },
            { "windows", Plain(rollout.Windows.ToString(CultureInfo.InvariantCulture)) },
            { "canaryShare", Plain(rollout.CanaryShare.ToString("R", CultureInfo.InvariantCulture)) },
            { "maxErrorRatio", Plain(rollout.MaxErrorRatio.ToString("R", CultureInfo.InvariantCulture)) },
            { "maxLatencyIncrease", Plain(rollout.MaxLatencyIncrease.ToString("R", CultureInfo.InvariantCulture)) },
            { "minLatencyDifference", Plain(DurationParser.Format(rollout.MinLatencyDifference)) },
            { "minRequests", Plain(rollout.MinRequests.ToString(CultureInfo.InvariantCulture)) },
            { "warmupRequests", Plain(rollout.WarmupRequests.ToString(CultureInfo.InvariantCulture)) },
        });
    }

    private static YamlScalarNode Plain(string value) => new(value);
}
