using System.ComponentModel.DataAnnotations;

namespace Aigis.Sim.Engine;

/// <summary>Parameters of <see cref="LinearLatencyModel"/>; defaults approximate vLLM serving Llama-3-8B on one H100.</summary>
internal sealed record LatencyOptions
{
    /// <summary>Fixed part of the time to first token (scheduling, one forward pass). Default 40 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan TimeToFirstTokenBase { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>Prefill cost of each prompt token. Default 0.023 ms, about 43k tokens/s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan PrefillPerPromptToken { get; init; } = TimeSpan.FromTicks(230);

    /// <summary>Decode time of one output token. Default 8 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan InterTokenLatency { get; init; } = TimeSpan.FromMilliseconds(8);
}
