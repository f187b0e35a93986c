using Aigis.Core.Configuration;
using Aigis.Core.Tokens;
using Aigis.Hosting;

namespace Aigis.Limits;

/// <summary>The model a request is for and how its tokens are counted and priced, for the stages after counting.</summary>
internal sealed record MeteredModel(string Model, ModelUsage Usage);

internal static class UsageConfigExtensions
{
    public static bool HasPrices(this UsageConfig config) => config.Models.Any(m => m.InputMicrosPerMillion > 0 || m.OutputMicrosPerMillion > 0);
}
