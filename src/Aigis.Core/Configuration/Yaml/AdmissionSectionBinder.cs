using System.Globalization;
using Aigis.Core.Admission;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds a service's <c>admission</c> section: its adaptive concurrency limit per instance and the queue before it.</summary>
internal static class AdmissionSectionBinder
{
    public static readonly string[] Keys =
    [
        "enabled", "algorithm", "initialLimit", "minLimit", "maxLimit", "smoothing", "rttTolerance", "longWindow",
        "growth", "window", "windowSamples", "queue",
    ];

    public static readonly string[] QueueKeys = ["maxSize", "maxWait"];
    private static readonly string[] s_algorithms = ["gradient2", "fixed"];

    public static AdmissionOptions Bind(YamlNode node, string path, ConfigReadContext context)
    {
        var options = new AdmissionOptions();
        if (context.Mapping(node, path) is not { } map)
        {
            return options;
        }

        foreach (var (key, value) in context.Entries(map, path, Keys))
        {
            var at = $"{path}.{key}";
            options = key switch
            {
                "enabled" => options with { Enabled = context.Boolean(value, at) ?? options.Enabled },
                "algorithm" => options with { Algorithm = context.Choice(value, at, s_algorithms) == "fixed" ? AdmissionAlgorithm.Fixed : AdmissionAlgorithm.Gradient2 },
                "initialLimit" => options with { InitialLimit = context.Integer<Admission.AdmissionOptions>(value, at, nameof(Admission.AdmissionOptions.InitialLimit)) ?? options.InitialLimit },
                "minLimit" => options with { MinLimit = context.Integer<Admission.AdmissionOptions>(value, at, nameof(Admission.AdmissionOptions.MinLimit)) ?? options.MinLimit },
                "maxLimit" => options with { MaxLimit = context.Integer<Admission.AdmissionOptions>(value, at, nameof(Admission.AdmissionOptions.MaxLimit)) ?? options.MaxLimit },
                "smoothing" => options with { Smoothing = context.Number<Admission.AdmissionOptions>(value, at, nameof(Admission.AdmissionOptions.Smoothing)) ?? options.Smoothing },
                "rttTolerance" => options with { RttTolerance = context.Number<Admission.AdmissionOptions>(value, at, nameof(Admission.AdmissionOptions.RttTolerance)) ?? options.RttTolerance },
                "longWindow" => options with { LongWindow = context.Integer<Admission.AdmissionOptions>(value, at, nameof(Admission.AdmissionOptions.LongWindow)) ?? options.LongWindow },
                "growth" => Growth(value, at, context, options),
                "window" => options with { Window = context.Duration(value, at, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)) ?? options.Window },
                "windowSamples" => options with { WindowSamples = context.Integer<Admission.AdmissionOptions>(value, at, nameof(Admission.AdmissionOptions.WindowSamples)) ?? options.WindowSamples },
                _ => options with { Queue = BindQueue(value, at, context) },
            };
        }

        if (options.MinLimit > options.MaxLimit)
        {
            context.Error(node, $"{path}: minLimit ({options.MinLimit}) is above maxLimit ({options.MaxLimit})");
        }
        else if (options.InitialLimit < options.MinLimit || options.InitialLimit > options.MaxLimit)
        {
            context.Error(node, $"{path}: initialLimit ({options.InitialLimit}) must be between minLimit ({options.MinLimit}) and maxLimit ({options.MaxLimit})");
        }

        return options;
    }

    /// <summary><c>sqrt</c>, <c>log10</c>, or a whole number for a constant growth per window.</summary>
    private static AdmissionOptions Growth(YamlNode node, string path, ConfigReadContext context, AdmissionOptions options)
    {
        if (context.Scalar(node, path) is not { } text)
        {
            return options;
        }

        switch (text)
        {
            case "sqrt":
                return options with { Growth = LimitGrowth.SquareRoot };
            case "log10":
                return options with { Growth = LimitGrowth.Log10 };
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var constant) && constant is >= 1 and <= 1000)
        {
            return options with { Growth = LimitGrowth.Constant, GrowthConstant = constant };
        }

        context.Error(node, $"{path}: '{text}' is not a growth; write sqrt, log10, or a whole number from 1 to 1000 (added per window while latency holds)");
        return options;
    }

    private static AdmissionQueueOptions BindQueue(YamlNode node, string path, ConfigReadContext context)
    {
        var queue = new AdmissionQueueOptions();
        if (context.Mapping(node, path) is not { } map)
        {
            return queue;
        }

        foreach (var (key, value) in context.Entries(map, path, QueueKeys))
        {
            queue = key switch
            {
                "maxSize" => queue with { MaxSize = context.Integer<Admission.AdmissionQueueOptions>(value, $"{path}.maxSize", nameof(Admission.AdmissionQueueOptions.MaxSize)) ?? queue.MaxSize },
                _ => queue with { MaxWait = context.Duration(value, $"{path}.maxWait", TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10)) ?? queue.MaxWait },
            };
        }

        return queue;
    }
}
