namespace Aigis.Core.Configuration;

/// <summary>
/// Service names appear in URLs (<c>/svc/NAME/</c>) and become Kubernetes object names,
/// so they follow the DNS label rules (RFC 1123): lower-case alphanumerics and dashes, at most 63.
/// </summary>
public static class ServiceNames
{
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > 63 || name[0] == '-' || name[^1] == '-')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}
