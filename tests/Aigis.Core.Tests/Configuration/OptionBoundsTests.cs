using System.Globalization;
using Aigis.Core.Admission;
using Aigis.Core.Autoscaling;
using Aigis.Core.Balancing;
using Aigis.Core.Configuration;

namespace Aigis.Core.Tests.Configuration;

/// <summary>Each bound is written once, as a [Range] on the options record; defaults respect it and the config binder enforces it.</summary>
public sealed class OptionBoundsTests
{
    private static readonly string[] s_limitKeys = ["initialLimit", "minLimit", "maxLimit"];

    public static TheoryData<string, object> Defaults() => new()
    {
        { nameof(BalancingOptions), new BalancingOptions() },
        { nameof(AdmissionOptions), new AdmissionOptions() },
        { nameof(AdmissionQueueOptions), new AdmissionQueueOptions() },
        { nameof(HpaOptions), new HpaOptions() },
        { nameof(KpaOptions), new KpaOptions() },
        { nameof(AigisScalingOptions), new AigisScalingOptions() },
    };

    [Theory]
    [MemberData(nameof(Defaults))]
    public void Every_default_lies_within_its_declared_range(string type, object options)
    {
        var bounded = OptionBounds.Check(options.GetType(), options).ToArray();

        Assert.NotEmpty(bounded);
        Assert.All(bounded, b => Assert.True(b.Value >= b.Min && b.Value <= b.Max, $"{type}.{b.Property} = {b.Value}, outside [{b.Min}, {b.Max}]"));
    }

    public static TheoryData<string, string, string> BoundKeys() => new()
    {
        { "balancing", "loadFactor", nameof(BalancingOptions.LoadFactor) },
        { "balancing", "virtualNodes", nameof(BalancingOptions.VirtualNodes) },
        { "balancing", "prefixWeight", nameof(BalancingOptions.PrefixWeight) },
        { "balancing", "queueWeight", nameof(BalancingOptions.QueueWeight) },
        { "balancing", "inFlightWeight", nameof(BalancingOptions.InFlightWeight) },
        { "balancing", "kvWeight", nameof(BalancingOptions.KvWeight) },
        { "balancing", "prefillWeight", nameof(BalancingOptions.PrefillWeight) },
        { "balancing", "prefillLoadWeight", nameof(BalancingOptions.PrefillLoadWeight) },
        { "balancing", "overloadMargin", nameof(BalancingOptions.OverloadMargin) },
        { "balancing", "prefixIndexCapacity", nameof(BalancingOptions.PrefixIndexCapacity) },
        { "admission", "initialLimit", nameof(AdmissionOptions.InitialLimit) },
        { "admission", "minLimit", nameof(AdmissionOptions.MinLimit) },
        { "admission", "maxLimit", nameof(AdmissionOptions.MaxLimit) },
        { "admission", "smoothing", nameof(AdmissionOptions.Smoothing) },
        { "admission", "rttTolerance", nameof(AdmissionOptions.RttTolerance) },
        { "admission", "longWindow", nameof(AdmissionOptions.LongWindow) },
        { "admission", "windowSamples", nameof(AdmissionOptions.WindowSamples) },
    };

    [Theory]
    [MemberData(nameof(BoundKeys))]
    public void The_binder_accepts_the_declared_bounds_and_refuses_just_past_them(string section, string key, string property)
    {
        var (min, max) = section == "balancing" ? OptionBounds.Of<BalancingOptions>(property) : OptionBounds.Of<AdmissionOptions>(property);
        var step = min == Math.Floor(min) && max == Math.Floor(max) ? 1 : 0.001;

        Assert.True(Load(section, key, min).IsValid, $"{key}: {min} refused");
        Assert.True(Load(section, key, max).IsValid, $"{key}: {max} refused");
        Assert.Contains(Load(section, key, min - step).Errors, e => e.Message.Contains($"{key} must be between {min.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal));
        Assert.Contains(Load(section, key, max + step).Errors, e => e.Message.Contains($"{key} must be between", StringComparison.Ordinal));
    }

    private static ConfigLoadResult Load(string section, string key, double value)
    {
        // min/max of a pair constrain each other (minLimit <= initialLimit <= maxLimit): the other keys follow the value.
        var extra = section == "admission" && key is "initialLimit" or "minLimit" or "maxLimit"
            ? string.Join(", ", s_limitKeys.Where(k => k != key).Select(k => $"{k}: {Clamp(value)}"))
            : "";
        var body = $"{key}: {value.ToString(CultureInfo.InvariantCulture)}" + (extra.Length > 0 ? ", " + extra : "");
        var yaml = $"services:\n  - name: a\n    {section}: {{{body}}}\n    instances: [{{url: \"http://127.0.0.1:9000\"}}]\n";
        return ConfigLoader.LoadText(yaml, "aigis.yaml");
    }

    private static string Clamp(double value) => Math.Clamp(value, 1, 100_000).ToString(CultureInfo.InvariantCulture);
}
