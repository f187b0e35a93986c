using System.Buffers;
using System.IO.Pipelines;

namespace Aigis.Sim.Faults;

/// <summary>The stream faults of one request: cut after N events, or a non-JSON data line after the first event.</summary>
internal sealed class StreamFaultPlan : IStreamFaultFeature
{
    private readonly HttpContext _context;
    private readonly int? _cutAfter;
    private readonly bool _malformed;
    private readonly FaultMetrics _metrics;
    private readonly OpenConnections _connections;
    private readonly TimeProvider _timeProvider;
    private int _events;

    public StreamFaultPlan(HttpContext context, FaultDecision decision, FaultMetrics metrics, OpenConnections connections, TimeProvider timeProvider)
    {
        _context = context;
        _cutAfter = decision.StreamCutAfter;
        _malformed = decision.MalformedStream;
        _metrics = metrics;
        _connections = connections;
        _timeProvider = timeProvider;
    }

    // A chunk truncated mid-object, as a broken proxy or a crashed worker would leave it.
    private static ReadOnlySpan<byte> MalformedEvent => "data: {\"id\":\"aigis-sim-malformed\",\"choices\":[{\"delta\":{\"content\":\n\n"u8;

    public async ValueTask BeforeEventAsync(PipeWriter body, CancellationToken cancellationToken)
    {
        var index = _events++;
        if (index == _cutAfter)
        {
            // The connection ends without the response's last chunk: the client sees it drop mid-answer, never a clean finish.
            _metrics.Injected(FaultKind.StreamCut);
            if (!_connections.CloseAfterSending(_context.Connection.Id))
            {
                _context.Abort();
            }

            // Throws once Kestrel notices the closed connection, which stops the generation like a departed client.
            await Task.Delay(Timeout.InfiniteTimeSpan, _timeProvider, _context.RequestAborted);
        }

        if (_malformed && index == 1)
        {
            _metrics.Injected(FaultKind.MalformedStream);
            body.Write(MalformedEvent);
            await body.FlushAsync(cancellationToken);
        }
    }
}
