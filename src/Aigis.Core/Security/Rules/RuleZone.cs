namespace Aigis.Core.Security.Rules;

/// <summary>The parts of a request a rule looks at.</summary>
[Flags]
public enum RuleZone
{
    None = 0,

    /// <summary>The request method.</summary>
    Method = 1 << 0,

    /// <summary>The request path, before the query string.</summary>
    Path = 1 << 1,

    /// <summary>The raw query string as one value.</summary>
    Query = 1 << 2,

    /// <summary>Values of query and form arguments (and strings of a generic service's JSON body).</summary>
    Args = 1 << 3,

    /// <summary>Names of query and form arguments (and keys of a generic service's JSON body).</summary>
    ArgNames = 1 << 4,

    /// <summary>Header values (credentials and a few transport headers excepted).</summary>
    Headers = 1 << 5,

    /// <summary>Header names.</summary>
    HeaderNames = 1 << 6,

    /// <summary>Cookie names and values.</summary>
    Cookies = 1 << 7,

    /// <summary>A generic service's body that is neither a form nor JSON, as text.</summary>
    Body = 1 << 8,

    /// <summary>Identifier fields of a model-API body: model, names of tools and functions, URLs, user.</summary>
    ModelFields = 1 << 9,

    /// <summary>Natural-language content of a model-API body: message text, prompt, input, instructions.</summary>
    Prompt = 1 << 10,
}

/// <summary>The spelling of a zone in rule files.</summary>
public static class RuleZoneNames
{
    public static readonly IReadOnlyDictionary<string, RuleZone> ByName = new Dictionary<string, RuleZone>(StringComparer.Ordinal)
    {
        ["method"] = RuleZone.Method,
        ["path"] = RuleZone.Path,
        ["query"] = RuleZone.Query,
        ["args"] = RuleZone.Args,
        ["arg-names"] = RuleZone.ArgNames,
        ["headers"] = RuleZone.Headers,
        ["header-names"] = RuleZone.HeaderNames,
        ["cookies"] = RuleZone.Cookies,
        ["body"] = RuleZone.Body,
        ["model-fields"] = RuleZone.ModelFields,
        ["prompt"] = RuleZone.Prompt,
    };

    /// <summary>The web-attack zones; <see cref="RuleZone.Prompt"/> is never among them.</summary>
    public const RuleZone Web = RuleZone.Method | RuleZone.Path | RuleZone.Query | RuleZone.Args | RuleZone.ArgNames |
        RuleZone.Headers | RuleZone.HeaderNames | RuleZone.Cookies | RuleZone.Body | RuleZone.ModelFields;
}
