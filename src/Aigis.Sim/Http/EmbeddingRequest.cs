namespace Aigis.Sim.Http;

/// <summary>What an embeddings request asks for, once its body is read.</summary>
/// <param name="Model">The requested model name.</param>
/// <param name="Inputs">The texts to embed, in order.</param>
/// <param name="Base64">Whether vectors are sent as base64 of little-endian float32 instead of JSON numbers.</param>
/// <param name="Dimensions">The requested vector length, if any.</param>
internal sealed record EmbeddingRequest(string Model, IReadOnlyList<string> Inputs, bool Base64, int? Dimensions);
