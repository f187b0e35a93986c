using System.Globalization;
using Aigis.Bench.Routing.Simulation;

namespace Aigis.Bench.Routing.Reporting;

/// <summary>Plain aligned text tables of the results: the contract columns, and optional diagnostics.</summary>
internal static class ResultTable
{
    private static readonly string[] s_columns =
        ["policy", "requests", "ttft_p50_ms", "ttft_p90_ms", "ttft_p99_ms", "e2e_p50_ms", "e2e_p99_ms", "tokens_per_s", "prefix_hit_rate"];

    private static readonly string[] s_detailColumns =
        ["policy", "preemptions", "dispatch_imbalance", "mean_waiting", "mean_max_waiting"];

    public static void Write(TextWriter output, IReadOnlyList<PolicyResult> results)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(results);
        var rows = new List<string[]>(results.Count);
        foreach (var result in results)
        {
            var line = PolicyResultLine.From(result);
            rows.Add(
            [
                line.Policy,
                Format(line.Requests),
                Format(line.TtftP50Ms, "F1"),
                Format(line.TtftP90Ms, "F1"),
                Format(line.TtftP99Ms, "F1"),
                Format(line.E2eP50Ms, "F1"),
                Format(line.E2eP99Ms, "F1"),
                Format(line.TokensPerS, "F1"),
                Format(line.PrefixHitRate, "F4"),
            ]);
        }

        WriteAligned(output, s_columns, rows);
    }

    public static void WriteDetails(TextWriter output, IReadOnlyList<PolicyResult> results)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(results);
        var rows = new List<string[]>(results.Count);
        foreach (var result in results)
        {
            rows.Add(
            [
                result.Policy,
                Format(result.Preemptions),
                Format(result.DispatchImbalance, "F3"),
                Format(result.MeanWaiting, "F2"),
                Format(result.MeanMaxWaiting, "F2"),
            ]);
        }

        WriteAligned(output, s_detailColumns, rows);
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The first column left-aligned, the numbers right-aligned, two spaces between columns.</summary>
    internal static void WriteAligned(TextWriter output, string[] header, List<string[]> rows)
    {
        var widths = new int[header.Length];
        for (var c = 0; c < header.Length; c++)
        {
            widths[c] = header[c].Length;
            foreach (var row in rows)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        WriteRow(output, header, widths);
        foreach (var row in rows)
        {
            WriteRow(output, row, widths);
        }
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        output.Write(cells[0].PadRight(widths[0]));
        for (var c = 1; c < cells.Length; c++)
        {
            output.Write("  ");
            output.Write(cells[c].PadLeft(widths[c]));
        }

        output.WriteLine();
    }
}
