namespace Aigis.Core.Security.Rules;

/// <summary>The rule families (OWASP CRS numbering for web attacks) and which zones they may apply to.</summary>
public static class RuleFamilies
{
    public const string Protocol = "920";
    public const string PathTraversal = "930";
    public const string RemoteFileInclusion = "931";
    public const string CommandInjection = "932";
    public const string Smuggling = "921";
    public const string Php = "933";
    public const string Ssrf = "934";
    public const string Xss = "941";
    public const string Sql = "942";
    public const string SessionFixation = "943";
    public const string Java = "944";
    public const string PromptInjection = "prompt-injection";

    public static readonly IReadOnlyList<string> Web = [Protocol, Smuggling, PathTraversal, RemoteFileInclusion, CommandInjection, Php, Ssrf, Xss, Sql, SessionFixation, Java];

    public static readonly IReadOnlyList<string> All = [.. Web, PromptInjection];

    public static bool IsWeb(string family) => family != PromptInjection;
}
