namespace Aigis.Core.Autoscaling;

/// <summary>Everything a policy may decide from, as the gateway and the deployer see one service at one tick.</summary>
internal sealed record AutoscalerInput
{
    /// <summary>Replicas asked for and not yet removed: ready ones and ones still starting.</summary>
    public required int Replicas { get; init; }

    /// <summary>One sample per replica (ready or starting), in any order.</summary>
    public IReadOnlyList<ReplicaSample> Samples { get; init; } = [];

    /// <summary>Requests the gateway holds because no replica is ready (scale from zero).</summary>
    public int HeldRequests { get; init; }

    /// <summary>Requests that arrived per second since the last tick, counted by the gateway.</summary>
    public double ArrivalsPerSecond { get; init; }

    /// <summary>The 90th percentile time to first token since the last tick, if any request got one.</summary>
    public double? TtftP90Ms { get; init; }

    public int ReadyReplicas
    {
        get
        {
            var ready = 0;
            foreach (var sample in Samples)
            {
                ready += sample.Ready ? 1 : 0;
            }

            return ready;
        }
    }

    /// <summary>Requests open on ready replicas that report it, plus those held at the gateway.</summary>
    public double TotalInFlight
    {
        get
        {
            double total = HeldRequests;
            foreach (var sample in Samples)
            {
                total += sample.Ready ? sample.InFlight ?? 0 : 0;
            }

            return total;
        }
    }

    /// <summary>Requests queued on ready replicas that report it.</summary>
    public double TotalWaiting
    {
        get
        {
            double total = 0;
            foreach (var sample in Samples)
            {
                total += sample.Ready ? sample.Waiting ?? 0 : 0;
            }

            return total;
        }
    }
}
