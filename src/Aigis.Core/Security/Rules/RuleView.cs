namespace Aigis.Core.Security.Rules;

/// <summary>Which rendering of a value a rule's pattern is matched against.</summary>
public enum RuleView
{
    /// <summary>Fully decoded (URL, double URL, HTML entities, escapes; NULs removed). The default.</summary>
    Decoded,

    /// <summary>As received, encodings intact (for rules about the encoding itself).</summary>
    Raw,

    /// <summary>Decoded, then as a shell reads it (see <see cref="Decoding.Normalizers.CommandLine"/>).</summary>
    CommandLine,

    /// <summary>Decoded, then SQL comments replaced and white space collapsed.</summary>
    Sql,
}
