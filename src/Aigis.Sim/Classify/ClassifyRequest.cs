namespace Aigis.Sim.Classify;

/// <summary>What a classify request asks for, once its body is read.</summary>
/// <param name="Model">The requested model name.</param>
/// <param name="InputDigest">A stable digest of the image bytes or of the URL text: the classification depends on it alone.</param>
/// <param name="ImageBytes">Size of the decoded image, or the nominal size of an image behind a URL; the latency grows with it.</param>
/// <param name="TopK">How many labels to answer with.</param>
internal sealed record ClassifyRequest(string Model, ulong InputDigest, long ImageBytes, int TopK);
