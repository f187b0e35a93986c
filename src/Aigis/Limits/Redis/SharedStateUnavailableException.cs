namespace Aigis.Limits.Redis;

/// <summary>The shared state backend cannot be reached or cannot run the limits script at start: a startup failure with a message for the user.</summary>
internal sealed class SharedStateUnavailableException : Exception
{
    public SharedStateUnavailableException()
    {
    }

    public SharedStateUnavailableException(string message)
        : base(message)
    {
    }

    public SharedStateUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
