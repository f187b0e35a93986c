using Aigis.Sim.Http;

namespace Aigis.Sim.Classify;

/// <summary>Refusals particular to the classifier.</summary>
internal static class ClassifyErrors
{
    /// <summary>413, the status OpenAI and proxies use for a body or file over the limit.</summary>
    public static ApiError ImageTooLarge(string detail) =>
        new(StatusCodes.Status413PayloadTooLarge, $"Image too large. {detail}", "image", "image_too_large");
}
