using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Aigis.Sim.Faults;

/// <summary>Kestrel connection middleware that keeps the open connections, so faults can end them below HTTP.</summary>
internal sealed class OpenConnections
{
    private readonly ConcurrentDictionary<string, ConnectionContext> _open = new(StringComparer.Ordinal);
    private volatile bool _dropped;

    /// <summary>The middleware, for <c>ListenOptions.Use</c>.</summary>
    public ConnectionDelegate Track(ConnectionDelegate next) => async connection =>
    {
        _open[connection.ConnectionId] = connection;
        try
        {
            // Checked after adding, so a connection accepted while DropAll runs is dropped by one of the two.
            if (_dropped)
            {
                connection.Abort(Crashed());
                return;
            }

            await next(connection);
        }
        finally
        {
            _open.TryRemove(connection.ConnectionId, out _);
        }
    };

    /// <summary>Aborts every open connection, and every one accepted from now on, as a dead process would.</summary>
    public void DropAll()
    {
        _dropped = true;
        foreach (var connection in _open.Values)
        {
            connection.Abort(Crashed());
        }
    }

    /// <summary>Closes a connection once what was written to it is sent: the client gets every byte, then the end of the stream, mid-response.</summary>
    /// <remarks>
    /// HttpContext.Abort would reset the socket at once and lose bytes still queued for it, so a client could
    /// miss events written before the cut. Completing the transport's output instead lets Kestrel send
    /// the queue, shut the socket down, and then signal RequestAborted. Returns false for an unknown connection.
    /// </remarks>
    public bool CloseAfterSending(string connectionId)
    {
        if (!_open.TryGetValue(connectionId, out var connection))
        {
            return false;
        }

        connection.Transport.Output.Complete();
        return true;
    }

    private static ConnectionAbortedException Crashed() => new("aigis-sim crashed on purpose (fault crash_after).");
}
