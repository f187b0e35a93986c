namespace Aigis.Sim.Http;

/// <summary>Ends a request's generation when its client disconnects or the server stops.</summary>
internal static class GenerationCancellation
{
    public static CancellationTokenSource Create(HttpContext context, CancellationToken serverStopping) =>
        CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, serverStopping);

    /// <summary>After a cancelled generation: tells a client that is still there, if nothing was sent yet.</summary>
    public static Task AnswerIfPossibleAsync(HttpContext context) =>
        context.Response.HasStarted || context.RequestAborted.IsCancellationRequested
            ? Task.CompletedTask
            : ApiError.ShuttingDown.WriteAsync(context);
}
