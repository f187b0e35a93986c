namespace Aigis.Core.Security.Rules;

/// <summary>How bad a match is; its anomaly score is the OWASP CRS default for the level.</summary>
public enum Severity
{
    Notice = 2,
    Warning = 3,
    Error = 4,
    Critical = 5,
}
