using Xunit.Abstractions;

namespace Aigis.Core.Tests.Security;

/// <summary>The benign corpus (data/benign-model-requests.jsonl, 520 model-API bodies): none is blocked or flagged.</summary>
public sealed class BenignModelRequestTests(ITestOutputHelper output)
{
    [Fact]
    public void No_benign_model_request_is_blocked_or_flagged()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Security", "data", "benign-model-requests.jsonl"));
        var refused = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var card = SecurityTestRules.ModelBody(lines[i]);
            if (card.WebScore >= 5 || card.PromptInjectionScore >= 5)
            {
                refused.Add($"line {i + 1}: web {card.WebScore} [{card.RuleIds(false)}], prompt {card.PromptInjectionScore} [{card.RuleIds(true)}]");
            }
        }

        output.WriteLine($"benign model requests: {lines.Length}, blocked or flagged: {refused.Count}");
        refused.ForEach(output.WriteLine);
        Assert.True(lines.Length >= 500);
        Assert.Empty(refused);
    }
}
