using Aigis.Core.Configuration;
using Aigis.Core.Tokens;
using Aigis.Hosting;

namespace Aigis.Limits;

/// <summary>The <see cref="ModelUsagePolicy"/> of the current config, rebuilt when a reload changes the <c>usage</c> section.</summary>
internal sealed class ModelUsageSource(GatewayState state)
{
    private volatile ModelUsagePolicy _policy = new(state.Config.Usage);

    public ModelUsagePolicy Current
    {
        get
        {
            var policy = _policy;
            var config = state.Config.Usage;
            if (!ReferenceEquals(policy.Config, config))
            {
                policy = new ModelUsagePolicy(config);
                _policy = policy;
            }

            return policy;
        }
    }
}

/// <summary>The model a request is for and how its tokens are counted and priced, for the stages after counting.</summary>
internal sealed record MeteredModel(string Model, ModelUsage Usage);

internal static class UsageConfigExtensions
{
    public static bool HasPrices(this UsageConfig config) => config.Models.Any(m => m.InputMicrosPerMillion > 0 || m.OutputMicrosPerMillion > 0);
}
