namespace Aigis.Sim;

/// <summary>Which kind of model service the simulator pretends to be.</summary>
internal enum SimProfile
{
    /// <summary>A generative model: chat and text completions (and embeddings, for convenience).</summary>
    Llm,

    /// <summary>An embedding model: embeddings only.</summary>
    Embed,

    /// <summary>An image classifier: POST /v1/classify only.</summary>
    Classifier,
}
