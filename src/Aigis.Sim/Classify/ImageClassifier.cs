using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Aigis.Sim.Output;

namespace Aigis.Sim.Classify;

/// <summary>Scores the fixed labels for an input, the same every time for the same seed and input bytes.</summary>
/// <remarks>
/// Each label gets a logit uniform in [-Spread, Spread) from a <see cref="SplitMix64"/> seeded with the
/// seed XOR the input's digest, and one label, the "subject", a boost of 2 to 6, so some inputs get a
/// confident answer (top score near 0.9) and others a hesitant one (near 0.1), as photos do. A softmax
/// over all labels turns logits into probabilities summing to 1, so any top k sums to at most 1.
/// Scores are rounded down to four decimals, which keeps that bound.
/// </remarks>
internal sealed class ImageClassifier
{
    private const double Spread = 3;
    private const double Resolution = 10_000;

    private readonly ulong _seed;
    private readonly IReadOnlyList<string> _labels;

    public ImageClassifier(long seed, IReadOnlyList<string>? labels = null)
    {
        _seed = unchecked((ulong)seed);
        _labels = labels ?? ImageLabels.All;
    }

    /// <summary>How many labels there are: the most a request can get back.</summary>
    public int LabelCount => _labels.Count;

    /// <summary>A stable digest of image bytes. SHA-256, because string.GetHashCode is randomized per process and it is fast on large inputs.</summary>
    public static ulong DigestImage(ReadOnlySpan<byte> image) => First8Bytes(SHA256.HashData(image));

    /// <summary>A stable digest of a URL's text, distinct from the digest of the same bytes sent as an image.</summary>
    public static ulong DigestUrl(string url) => First8Bytes(SHA256.HashData(Encoding.UTF8.GetBytes("url:" + url)));

    /// <summary>The <paramref name="topK"/> best labels for the input digest, best first.</summary>
    public IReadOnlyList<LabelScore> Classify(ulong inputDigest, int topK)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        var random = new SplitMix64(_seed ^ inputDigest);
        var logits = new double[_labels.Count];
        var largest = double.MinValue;
        for (var index = 0; index < logits.Length; index++)
        {
            logits[index] = random.NextSignedUnit() * Spread;
        }

        logits[random.NextInt32(logits.Length)] += 4 + (2 * random.NextSignedUnit());
        foreach (var logit in logits)
        {
            largest = Math.Max(largest, logit);
        }

        var total = 0.0;
        for (var index = 0; index < logits.Length; index++)
        {
            logits[index] = Math.Exp(logits[index] - largest);
            total += logits[index];
        }

        var order = new int[logits.Length];
        for (var index = 0; index < order.Length; index++)
        {
            order[index] = index;
        }

        // Descending by score; equal scores keep label order so the result is stable.
        Array.Sort(order, (a, b) => logits[b] != logits[a] ? logits[b].CompareTo(logits[a]) : a.CompareTo(b));
        var scores = new LabelScore[Math.Min(topK, order.Length)];
        for (var rank = 0; rank < scores.Length; rank++)
        {
            var label = order[rank];
            scores[rank] = new LabelScore(_labels[label], Math.Floor(logits[label] / total * Resolution) / Resolution);
        }

        return scores;
    }

    private static ulong First8Bytes(byte[] digest) => BinaryPrimitives.ReadUInt64LittleEndian(digest);
}

/// <summary>One label and its probability.</summary>
internal readonly record struct LabelScore(string Label, double Score);
