using System.Globalization;

namespace Aigis.Tests.Telemetry;

/// <summary>One sample of a Prometheus text exposition: <c>name{labels} value</c>.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Reads the samples of a Prometheus text exposition (0.0.4), for asserting on series by name and labels.</summary>
internal static class PrometheusSamples
{
    public static List<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            string name;
            string rest;
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                var at = brace + 1;
                while (line[at] != '}')
                {
                    var eq = line.IndexOf('=', at);
                    var label = line[at..eq];
                    var value = new System.Text.StringBuilder();
                    var i = eq + 2;
                    for (; line[i] != '"'; i++)
                    {
                        if (line[i] == '\\')
                        {
                            i++;
                            value.Append(line[i] == 'n' ? '\n' : line[i]);
                        }
                        else
                        {
                            value.Append(line[i]);
                        }
                    }

                    labels[label] = value.ToString();
                    at = i + 1;
                    if (line[at] == ',')
                    {
                        at++;
                    }
                }

                rest = line[(at + 1)..].Trim();
            }
            else
            {
                name = line[..space];
                rest = line[space..].Trim();
            }

            var valueText = rest.Split(' ')[0];
            var number = valueText switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(valueText, CultureInfo.InvariantCulture),
            };
            samples.Add(new PrometheusSample(name, labels, number));
        }

        return samples;
    }

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include every pair of <paramref name="labels"/>.</summary>
    public static double Sum(this IEnumerable<PrometheusSample> samples, string name, params (string Label, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Sum(s => s.Value);

    public static bool Has(this IEnumerable<PrometheusSample> samples, string name, params (string Label, string Value)[] labels) =>
        samples.Any(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value));
}
