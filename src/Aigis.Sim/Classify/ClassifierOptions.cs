using System.ComponentModel.DataAnnotations;

namespace Aigis.Sim.Classify;

/// <summary>Parameters of the classifier profile; defaults approximate a ResNet-50-class model on one GPU.</summary>
internal sealed record ClassifierOptions
{
    /// <summary>One mebibyte, the unit of <see cref="LatencyPerMiB"/>.</summary>
    public const long MiB = 1024 * 1024;

    /// <summary>The size a classified URL stands for: the simulator never fetches it, so it assumes a typical photo.</summary>
    public const long NominalUrlImageBytes = 256 * 1024;

    /// <summary>Fixed part of every classification (scheduling, one forward pass). Default 12 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan BaseLatency { get; init; } = TimeSpan.FromMilliseconds(12);

    /// <summary>Extra time per MiB of decoded image (decoding and resizing grow with the image). Default 4 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan LatencyPerMiB { get; init; } = TimeSpan.FromMilliseconds(4);

    /// <summary>Largest decoded image accepted, in bytes; larger ones get a 413. Default 20 MiB, as OpenAI's image inputs.</summary>
    [Range(typeof(long), "1", "268435456")]
    public long MaxImageBytes { get; init; } = 20 * MiB;
}
