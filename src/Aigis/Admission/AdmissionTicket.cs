using Aigis.Core.Admission;

namespace Aigis.Admission;

/// <summary>
/// A request's place at an instance: admitted (holding a slot of <see cref="Limiter"/>, or unlimited when the
/// service has no admission), or refused, with why and when to retry. A struct, so admitting allocates nothing.
/// </summary>
internal readonly record struct AdmissionTicket(AdmissionLimiter? Limiter, long StartedAt, bool IsAdmitted, ShedReason Reason = ShedReason.None, TimeSpan RetryAfter = default)
{
    /// <summary>The service has no admission: nothing to release.</summary>
    public static AdmissionTicket Unlimited => new(null, 0, true);

    public static AdmissionTicket Refused(ShedReason reason, TimeSpan retryAfter) => new(null, 0, false, reason, retryAfter);
}
