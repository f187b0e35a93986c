using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using Aigis.Sim.Engine;

namespace Aigis.Sim.Cli;

/// <summary>The aigis-sim command line: its flags and how they become <see cref="SimOptions"/>.</summary>
internal sealed class SimCommandLine
{
    private static readonly SimOptions _defaults = new();

    private readonly Option<int> _port = Ranged("--port", "TCP port to listen on; 0 picks a free one.", 0, 0, 65535, showDefault: false);
    private readonly Option<string> _host = new("--host") { Description = "IP address to listen on.", DefaultValueFactory = _ => _defaults.Host };
    private readonly Option<SimProfile> _profile = new("--profile") { Description = "Which model service to simulate: llm (chat, completions, embeddings), embed (embeddings) or classifier (POST /v1/classify). [default: llm]", HelpName = "llm|embed|classifier", CustomParser = ParseProfile };
    private readonly Option<string[]> _models = new("--model") { Description = "A served model name; repeat for several. Default: sim-llama-3-8b (llm), sim-embed (embed) or sim-vision (classifier).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<long> _seed = new("--seed") { Description = "Seed of generated outputs.", DefaultValueFactory = _ => _defaults.Seed };
    private readonly Option<double> _timeScale = Ranged("--time-scale", "Divides every simulated delay; 10 runs ten times faster.", _defaults.TimeScale, 0.001, 1_000_000);
    private readonly Option<double> _stepOverhead = Ranged("--step-overhead-ms", "Fixed cost of every engine step, in ms (reading the weights once).", _defaults.Engine.Cost.StepOverheadMs, 0, 10_000);
    private readonly Option<double> _prefill = Ranged("--prefill-ms-per-token", "Cost of each prompt token prefilled in a step, in ms.", _defaults.Engine.Cost.PrefillMsPerToken, 0, 1_000);
    private readonly Option<double> _decode = Ranged("--decode-ms-per-seq", "Cost of each sequence decoding one token in a step, in ms.", _defaults.Engine.Cost.DecodeMsPerSequence, 0, 1_000);
    private readonly Option<double> _attention = Ranged("--attention-ms-per-token", "Cost of each context token a decoding sequence attends to, in ms.", _defaults.Engine.Cost.AttentionMsPerContextToken, 0, 1);
    private readonly Option<int> _kvBlocks = Ranged("--kv-blocks", "KV cache size in blocks (25000 x 16 = 400k tokens: an 8B model on an 80 GB card).", _defaults.Engine.TotalBlocks, 1, 100_000_000);
    private readonly Option<int> _blockSize = Ranged("--block-size", "Tokens per KV block; prefix caching reuses whole blocks.", _defaults.Engine.BlockSize, 1, 1024);
    private readonly Option<int> _maxNumSeqs = Ranged("--max-num-seqs", "Most requests in a batch; more wait.", _defaults.Engine.MaxRunningRequests, 1, 100_000);
    private readonly Option<int> _maxBatchedTokens = Ranged("--max-num-batched-tokens", "Token budget of one step (chunked prefill).", _defaults.Engine.MaxBatchedTokens, 1, 10_000_000);
    private readonly Option<int> _maxTokensDefault = Ranged("--max-tokens-default", "Longest answer when a request sets no max_tokens.", _defaults.MaxTokensDefault, CompletionLength.Minimum, 1_000_000);
    private readonly Option<int> _maxModelLength = Ranged("--max-model-len", "Context window: prompt plus answer tokens.", _defaults.MaxModelLength, CompletionLength.Minimum, 10_000_000);
    private readonly Option<int> _embeddingDimensions = Ranged("--embedding-dim", "Length of embedding vectors.", _defaults.EmbeddingDimensions, 1, 65_536);
    private readonly ClassifierFlags _classifier = new();
    private readonly FaultFlags _faults = new();

    public SimCommandLine()
    {
        _port.Required = true;
        Root = new RootCommand(
            "aigis-sim: an OpenAI-compatible model-service simulator. Faults (--fault-*) touch only the model endpoints " +
            "and can be read, replaced and cleared at run time with GET, POST and DELETE /admin/faults.");
        Option[] options = [_port, _host, _profile, _models, _seed, _timeScale, _stepOverhead, _prefill, _decode, _attention, _kvBlocks, _blockSize, _maxNumSeqs, _maxBatchedTokens, _maxTokensDefault, _maxModelLength, _embeddingDimensions];
        foreach (var option in options.Concat(_classifier.All).Concat(_faults.All))
        {
            Root.Options.Add(option);
        }
    }

    /// <summary>The root command; set its action before parsing.</summary>
    public RootCommand Root { get; }

    /// <summary>The options a successful parse describes.</summary>
    public SimOptions Bind(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new SimOptions
        {
            Port = parse.GetValue(_port),
            Host = parse.GetValue(_host) ?? _defaults.Host,
            Profile = parse.GetValue(_profile),
            Models = parse.GetValue(_models) ?? [],
            Seed = parse.GetValue(_seed),
            TimeScale = parse.GetValue(_timeScale),
            Engine = new EngineOptions
            {
                TotalBlocks = parse.GetValue(_kvBlocks),
                BlockSize = parse.GetValue(_blockSize),
                MaxRunningRequests = parse.GetValue(_maxNumSeqs),
                MaxBatchedTokens = parse.GetValue(_maxBatchedTokens),
                Cost = new StepCostModel
                {
                    StepOverheadMs = parse.GetValue(_stepOverhead),
                    PrefillMsPerToken = parse.GetValue(_prefill),
                    DecodeMsPerSequence = parse.GetValue(_decode),
                    AttentionMsPerContextToken = parse.GetValue(_attention),
                },
            },
            MaxTokensDefault = parse.GetValue(_maxTokensDefault),
            MaxModelLength = parse.GetValue(_maxModelLength),
            EmbeddingDimensions = parse.GetValue(_embeddingDimensions),
            Classifier = _classifier.Bind(parse),
            Faults = _faults.Bind(parse),
        };
    }

    /// <summary>A numeric option whose parse error and bounds name the flag, in one line.</summary>
    internal static Option<T> Ranged<T>(string name, string description, T defaultValue, T minimum, T maximum, bool showDefault = true)
        where T : struct, INumber<T>
    {
        return new Option<T>(name)
        {
            Description = description,
            DefaultValueFactory = showDefault ? _ => defaultValue : null,
            CustomParser = result =>
            {
                var token = result.Tokens[^1].Value;
                if (!T.TryParse(token, CultureInfo.InvariantCulture, out var value))
                {
                    result.AddError($"{name} expects a number, but got '{token}'.");
                    return defaultValue;
                }

                if (value < minimum || value > maximum)
                {
                    result.AddError($"{name} must be between {minimum} and {maximum}, but was {token}.");
                }

                return value;
            },
        };
    }

    private static SimProfile ParseProfile(ArgumentResult result)
    {
        var token = result.Tokens[^1].Value;
        switch (token)
        {
            case "llm":
                return SimProfile.Llm;
            case "embed":
                return SimProfile.Embed;
            case "classifier":
                return SimProfile.Classifier;
            default:
                result.AddError($"--profile must be llm, embed or classifier, but was '{token}'.");
                return SimProfile.Llm;
        }
    }
}
