namespace Aigis.Core.Configuration;

/// <summary>Kubernetes' rules for names, label keys and label values, so a bad one is caught by <c>aigis validate</c>, not by the API server.</summary>
public static class KubernetesNames
{
    /// <summary>An RFC 1123 label: namespaces, service accounts, secrets' names (at most 63, lower case, digits, dashes).</summary>
    public static bool IsDnsLabel(string value) =>
        value.Length is > 0 and <= 63 &&
        char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1]) &&
        value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>An RFC 1123 subdomain: dot-separated labels, at most 253 characters (label key prefixes, resource name prefixes).</summary>
    public static bool IsDnsSubdomain(string value) =>
        value.Length is > 0 and <= 253 && value.Split('.').All(IsDnsLabel);

    /// <summary>A label or annotation key: an optional subdomain prefix and <c>/</c>, then a name of at most 63 characters.</summary>
    public static bool IsQualifiedName(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0 && !IsDnsSubdomain(value[..slash]))
        {
            return false;
        }

        var name = slash >= 0 ? value[(slash + 1)..] : value;
        return name.Length is > 0 and <= 63 && IsLabelValue(name);
    }

    /// <summary>A label value: empty, or at most 63 letters, digits, <c>-_.</c>, starting and ending with a letter or digit.</summary>
    public static bool IsLabelValue(string value) =>
        value.Length == 0 ||
        (value.Length <= 63 && char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1]) &&
         value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));

    /// <summary>An extended resource's name: a qualified name with a domain prefix that is not <c>kubernetes.io</c>'s (e.g. <c>nvidia.com/gpu</c>).</summary>
    public static bool IsExtendedResourceName(string value) =>
        IsQualifiedName(value) && value.Contains('/', StringComparison.Ordinal) &&
        !value.StartsWith("kubernetes.io/", StringComparison.Ordinal) && !value.StartsWith("requests.", StringComparison.Ordinal);
}
