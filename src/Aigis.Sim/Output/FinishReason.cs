namespace Aigis.Sim.Output;

/// <summary>Why generation ended, as OpenAI's finish_reason.</summary>
internal enum FinishReason
{
    /// <summary>The model ended its answer ("stop").</summary>
    Stop,

    /// <summary>The request's max_tokens was reached ("length").</summary>
    Length,
}

internal static class FinishReasonNames
{
    public static string ToWireName(this FinishReason reason) => reason == FinishReason.Length ? "length" : "stop";
}
