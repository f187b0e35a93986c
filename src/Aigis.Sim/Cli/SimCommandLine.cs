using System.CommandLine;
using System.CommandLine.Parsing;
using Aigis.Sim.Engine;

namespace Aigis.Sim.Cli;

/// <summary>The aigis-sim command line: its flags and how they become <see cref="SimOptions"/>.</summary>
internal sealed class SimCommandLine
{
    private static readonly SimOptions Defaults = new();

    private readonly Option<int> _port = new("--port") { Description = "TCP port to listen on; 0 picks a free one.", Required = true };
    private readonly Option<string> _host = new("--host") { Description = "IP address to listen on.", DefaultValueFactory = _ => Defaults.Host };
    private readonly Option<string> _profile = new("--profile") { Description = "Which model service to simulate.", DefaultValueFactory = _ => "llm" };
    private readonly Option<string[]> _models = new("--model") { Description = "A served model name; repeat for several. Default: sim-llama-3-8b (llm) or sim-embed (embed).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<long> _seed = new("--seed") { Description = "Seed of generated outputs.", DefaultValueFactory = _ => Defaults.Seed };
    private readonly Option<double> _timeScale = new("--time-scale") { Description = "Divides every simulated delay; 10 runs ten times faster.", DefaultValueFactory = _ => Defaults.TimeScale };
    private readonly Option<double> _ttftBase = new("--ttft-base-ms") { Description = "Fixed part of time to first token, in ms.", DefaultValueFactory = _ => Defaults.Latency.TimeToFirstTokenBase.TotalMilliseconds };
    private readonly Option<double> _prefill = new("--prefill-ms-per-token") { Description = "Prefill time per prompt token, in ms.", DefaultValueFactory = _ => Defaults.Latency.PrefillPerPromptToken.TotalMilliseconds };
    private readonly Option<double> _itl = new("--itl-ms") { Description = "Time between output tokens, in ms.", DefaultValueFactory = _ => Defaults.Latency.InterTokenLatency.TotalMilliseconds };
    private readonly Option<int> _maxTokensDefault = new("--max-tokens-default") { Description = "Longest answer when a request sets no max_tokens.", DefaultValueFactory = _ => Defaults.MaxTokensDefault };
    private readonly Option<int> _maxModelLength = new("--max-model-len") { Description = "Context window: prompt plus answer tokens.", DefaultValueFactory = _ => Defaults.MaxModelLength };
    private readonly Option<int> _embeddingDimensions = new("--embedding-dim") { Description = "Length of embedding vectors.", DefaultValueFactory = _ => Defaults.EmbeddingDimensions };

    public SimCommandLine()
    {
        _profile.AcceptOnlyFromAmong("llm", "embed");
        AddRange(_port, 0, 65535);
        AddRange(_timeScale, 0.001, 1_000_000);
        AddRange(_ttftBase, 0, 600_000);
        AddRange(_prefill, 0, 1_000);
        AddRange(_itl, 0, 60_000);
        AddRange(_maxTokensDefault, CompletionLength.Minimum, 1_000_000);
        AddRange(_maxModelLength, CompletionLength.Minimum, 10_000_000);
        AddRange(_embeddingDimensions, 1, 65_536);

        Root = new RootCommand("aigis-sim: an OpenAI-compatible model-service simulator.");
        Option[] options = [_port, _host, _profile, _models, _seed, _timeScale, _ttftBase, _prefill, _itl, _maxTokensDefault, _maxModelLength, _embeddingDimensions];
        foreach (var option in options)
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
            Host = parse.GetValue(_host) ?? Defaults.Host,
            Profile = parse.GetValue(_profile) == "embed" ? SimProfile.Embed : SimProfile.Llm,
            Models = parse.GetValue(_models) ?? [],
            Seed = parse.GetValue(_seed),
            TimeScale = parse.GetValue(_timeScale),
            Latency = new LatencyOptions
            {
                TimeToFirstTokenBase = TimeSpan.FromMilliseconds(parse.GetValue(_ttftBase)),
                PrefillPerPromptToken = TimeSpan.FromMilliseconds(parse.GetValue(_prefill)),
                InterTokenLatency = TimeSpan.FromMilliseconds(parse.GetValue(_itl)),
            },
            MaxTokensDefault = parse.GetValue(_maxTokensDefault),
            MaxModelLength = parse.GetValue(_maxModelLength),
            EmbeddingDimensions = parse.GetValue(_embeddingDimensions),
        };
    }

    private static void AddRange<T>(Option<T> option, T minimum, T maximum)
        where T : struct, IComparable<T>
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<T>();
            if (value.CompareTo(minimum) < 0 || value.CompareTo(maximum) > 0)
            {
                result.AddError($"{option.Name} must be between {minimum} and {maximum}, but was {value}.");
            }
        });
    }
}
