using System.CommandLine;
using System.CommandLine.Parsing;
using Aigis.Sim.Classify;

namespace Aigis.Sim.Cli;

/// <summary>The flags of the classifier profile and how they become <see cref="ClassifierOptions"/>.</summary>
internal sealed class ClassifierFlags
{
    private const long MaxImageSizeLimit = 256L << 20;

    private static readonly ClassifierOptions _defaults = new();

    private readonly Option<double> _baseMs = SimCommandLine.Ranged(
        "--classify-base-ms", "Classifier profile: fixed time of every classification, in ms.", _defaults.BaseLatency.TotalMilliseconds, 0, 600_000);

    private readonly Option<double> _msPerMiB = SimCommandLine.Ranged(
        "--classify-ms-per-mib", "Classifier profile: extra time per MiB of decoded image, in ms (a URL counts as 256 KiB).", _defaults.LatencyPerMiB.TotalMilliseconds, 0, 60_000);

    private readonly Option<long> _maxImageSize = new("--max-image-size")
    {
        Description = $"Classifier profile: largest image accepted (bytes, or with KiB/MiB); larger ones get a 413, checked on Content-Length before the body is read. [default: {ByteSize.Format(_defaults.MaxImageBytes)}]",
        HelpName = "size",
        CustomParser = ParseSize,
    };

    public ClassifierFlags()
    {
        _baseMs.HelpName = "ms";
        _msPerMiB.HelpName = "ms";
    }

    /// <summary>Every option, to add to the root command.</summary>
    public IEnumerable<Option> All => [_baseMs, _msPerMiB, _maxImageSize];

    public ClassifierOptions Bind(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new ClassifierOptions
        {
            BaseLatency = TimeSpan.FromMilliseconds(parse.GetValue(_baseMs)),
            LatencyPerMiB = TimeSpan.FromMilliseconds(parse.GetValue(_msPerMiB)),
            MaxImageBytes = parse.GetResult(_maxImageSize) is null ? _defaults.MaxImageBytes : parse.GetValue(_maxImageSize),
        };
    }

    private static long ParseSize(ArgumentResult result)
    {
        var token = result.Tokens[^1].Value;
        if (!ByteSize.TryParse(token, out var bytes))
        {
            result.AddError($"--max-image-size expects a size such as 1048576, 512KiB or 20MiB, but got '{token}'.");
        }
        else if (bytes < 1 || bytes > MaxImageSizeLimit)
        {
            result.AddError($"--max-image-size must be between 1 byte and {ByteSize.Format(MaxImageSizeLimit)}, but was {token}.");
        }

        return bytes;
    }
}
