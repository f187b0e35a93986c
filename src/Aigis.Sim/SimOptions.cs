using System.ComponentModel.DataAnnotations;
using Aigis.Sim.Classify;
using Aigis.Sim.Engine;
using Aigis.Sim.Faults;
using Microsoft.Extensions.Options;

namespace Aigis.Sim;

/// <summary>Everything that shapes one simulator instance. Validated once, by <see cref="SimOptionsValidation"/>.</summary>
internal sealed record SimOptions
{
    /// <summary>IP address to listen on. Default 127.0.0.1: the simulator is never exposed beyond the machine unless asked.</summary>
    [Required]
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 lets the system pick a free one.</summary>
    [Range(0, 65535)]
    public int Port { get; init; }

    /// <summary>Which endpoints are served. Default <see cref="SimProfile.Llm"/>.</summary>
    public SimProfile Profile { get; init; } = SimProfile.Llm;

    /// <summary>Model names served; empty means the profile's default name.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Seed of every generated output: the same seed and prompt give the same answer. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Every simulated delay is divided by this; 10 runs ten times faster than real time. Default 1.</summary>
    [Range(0.001, 1_000_000.0)]
    public double TimeScale { get; init; } = 1;

    /// <summary>The simulated server's engine: KV cache, batch limits and step costs.</summary>
    [ValidateObjectMembers]
    public EngineOptions Engine { get; init; } = new();

    /// <summary>Upper bound of the answer length when a request gives no max_tokens (the lower bound is 16). Default 128.</summary>
    [Range(CompletionLength.Minimum, 1_000_000)]
    public int MaxTokensDefault { get; init; } = 128;

    /// <summary>Context window: prompt plus completion tokens may not exceed it. Default 8192, as Llama-3-8B.</summary>
    [Range(CompletionLength.Minimum, 10_000_000)]
    public int MaxModelLength { get; init; } = 8192;

    /// <summary>Length of embedding vectors. Default 384.</summary>
    [Range(1, 65_536)]
    public int EmbeddingDimensions { get; init; } = 384;

    /// <summary>Latency and size limit of the classifier profile.</summary>
    [ValidateObjectMembers]
    public ClassifierOptions Classifier { get; init; } = new();

    /// <summary>Faults in force from the start; POST /admin/faults replaces them. Default none.</summary>
    [ValidateObjectMembers]
    public FaultSettings Faults { get; init; } = FaultSettings.None;

    /// <summary>The served model names: <see cref="Models"/>, or the profile's default name.</summary>
    public IReadOnlyList<string> ServedModelNames => Models.Count > 0 ? Models : [DefaultModelName(Profile)];

    /// <summary>The name served when no model is given.</summary>
    public static string DefaultModelName(SimProfile profile) => profile switch
    {
        SimProfile.Embed => "sim-embed",
        SimProfile.Classifier => "sim-vision",
        _ => "sim-llama-3-8b",
    };
}
