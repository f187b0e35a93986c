using System.Globalization;
using System.Text.Json;
using Aigis.Core.Security.Inspection;
using Xunit.Abstractions;

namespace Aigis.Core.Tests.Security;

/// <summary>
/// The prompt-injection set (data/prompt-injection.jsonl): injections of several kinds and languages beside
/// benign prompts that discuss injection or carry attack strings. Prints detection and false positives per
/// kind; asserts that no benign prompt is flagged and that at least 90% of injections are.
/// </summary>
public sealed class PromptInjectionEvaluationTests(ITestOutputHelper output)
{
    private const int Threshold = 5;
    private const int HeldOutDetectionFloor = 37;
    private const int HeldOutFalsePositiveCeiling = 0;

    [Fact]
    public void Injections_are_flagged_and_prompts_that_discuss_them_are_not()
    {
        var (caught, injections, falsePositives, _) = Evaluate("prompt-injection.jsonl", "development set (the rules were written against it)");
        Assert.Equal(0, falsePositives);
        Assert.True(caught >= injections * 0.9, $"detected {caught} of {injections}");
    }

    /// <summary>
    /// The held-out set (data/prompt-injection-test.jsonl), committed before the normalizers and lexicons and
    /// never tuned against: its figures are the honest ones. The floors are the first measurement's, as a
    /// regression guard, not a target.
    /// </summary>
    [Fact]
    public void Held_out_injections_are_mostly_flagged_and_held_out_benign_prompts_pass()
    {
        var (caught, injections, falsePositives, benign) = Evaluate("prompt-injection-test.jsonl", "held-out set (not tuned against)");
        Assert.True(falsePositives <= HeldOutFalsePositiveCeiling, $"{falsePositives} of {benign} benign prompts flagged");
        Assert.True(caught >= HeldOutDetectionFloor, $"detected {caught} of {injections}");
    }

    private (int Caught, int Injections, int FalsePositives, int Benign) Evaluate(string file, string title)
    {
        var rows = new SortedDictionary<string, (int Total, int Flagged)>(StringComparer.Ordinal);
        var wrong = new List<string>();
        int injections = 0, caught = 0, benign = 0, falsePositives = 0;
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Security", "data", file)))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var label = root.GetProperty("label").GetString()!;
            var text = root.GetProperty("text").GetString()!;
            var key = $"{label}/{root.GetProperty("kind").GetString()}";
            var body = JsonSerializer.Serialize(new { model = "m", messages = new[] { new { role = "user", content = text } } });
            var card = SecurityTestRules.ModelBody(body);
            var flagged = card.PromptInjectionScore >= Threshold;

            Assert.Equal(0, card.WebScore);
            var row = rows.GetValueOrDefault(key);
            rows[key] = (row.Total + 1, row.Flagged + (flagged ? 1 : 0));
            if (label == "injection")
            {
                injections++;
                caught += flagged ? 1 : 0;
            }
            else
            {
                benign++;
                falsePositives += flagged ? 1 : 0;
            }

            if (flagged != (label == "injection"))
            {
                wrong.Add($"{key} [{root.GetProperty("lang").GetString()}] {text[..Math.Min(text.Length, 80)]}");
            }
        }

        output.WriteLine($"prompt-injection {title}, threshold {Threshold}");
        output.WriteLine("label/kind | cases | flagged");
        foreach (var (key, (total, flagged)) in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key,-22} | {total,5} | {flagged,5}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"detection {caught}/{injections} ({(double)caught / injections:P1}), false positives {falsePositives}/{benign} ({(double)falsePositives / benign:P1})"));
        foreach (var miss in wrong)
        {
            output.WriteLine("  wrong: " + miss);
        }

        return (caught, injections, falsePositives, benign);
    }
}
