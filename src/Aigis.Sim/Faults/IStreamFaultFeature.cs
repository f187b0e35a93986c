using System.IO.Pipelines;

namespace Aigis.Sim.Faults;

/// <summary>A request feature through which faults reach a server-sent event stream.</summary>
/// <remarks>
/// <see cref="FaultMiddleware"/> sets it on requests whose stream should fail, and
/// <see cref="Http.ServerSentEventWriter"/> calls it before each event; endpoints never see it.
/// </remarks>
internal interface IStreamFaultFeature
{
    /// <summary>Runs before each event, [DONE] included: may write a bad line first, or cut the connection and throw <see cref="OperationCanceledException"/>.</summary>
    ValueTask BeforeEventAsync(PipeWriter body, CancellationToken cancellationToken);
}
