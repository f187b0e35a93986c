namespace Aigis.Core.Configuration;

/// <summary>
/// One value set from outside the file: an <c>AIGIS__SECTION__KEY</c> environment variable or a command-line
/// flag such as <c>--listen</c>. It is applied to the YAML tree before binding, so it is validated like a file
/// value, and its errors name <see cref="Source"/>.
/// </summary>
/// <param name="Source">What the user wrote: <c>env:AIGIS__GATEWAY__LISTEN</c> or <c>--listen</c>.</param>
/// <param name="Path">Keys from the root; a list item by index or by its <c>name</c>.</param>
/// <param name="Value">The raw value.</param>
public sealed record ConfigOverride(string Source, IReadOnlyList<string> Path, string Value)
{
    public const string EnvironmentPrefix = "AIGIS__";

    /// <summary>Turns <c>AIGIS__*</c> variables into overrides, sorted by name so the result is the same on every platform.</summary>
    public static IReadOnlyList<ConfigOverride> FromEnvironment(IEnumerable<KeyValuePair<string, string>> variables) =>
        variables
            .Where(v => v.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => new ConfigOverride("env:" + v.Key, v.Key[EnvironmentPrefix.Length..].Split("__"), v.Value))
            .ToArray();

    /// <summary>The current process's <c>AIGIS__*</c> variables as overrides.</summary>
    public static IReadOnlyList<ConfigOverride> FromProcessEnvironment()
    {
        var variables = new List<KeyValuePair<string, string>>();
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key)
            {
                variables.Add(new(key, entry.Value as string ?? ""));
            }
        }

        return FromEnvironment(variables);
    }
}
