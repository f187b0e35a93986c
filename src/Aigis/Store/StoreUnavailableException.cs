namespace Aigis.Store;

/// <summary>The store cannot be opened or migrated; a startup failure with a message for the user.</summary>
internal sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
