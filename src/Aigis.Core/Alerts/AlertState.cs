namespace Aigis.Core.Alerts;

public enum AlertPhase
{
    Inactive,
    Pending,
    Firing,
}

/// <summary>What an evaluation changed for one alert: nothing to tell, it fired, or it resolved.</summary>
public enum AlertTransition
{
    None,
    Fired,
    Resolved,
}

/// <summary>
/// One alert's life (a rule for one group, e.g. one service): inactive → pending when the condition first holds →
/// firing once it has held for the rule's <c>for</c> → resolved (inactive) when it stops holding. A condition that
/// stops holding while pending ends quietly: nobody was told, so there is nothing to resolve.
/// </summary>
public sealed class AlertState(TimeSpan @for)
{
    public AlertPhase Phase { get; private set; }

    /// <summary>When the condition started holding (pending since, and the firing alert's start).</summary>
    public DateTimeOffset ActiveSince { get; private set; }

    /// <summary>When the alert fired, while firing.</summary>
    public DateTimeOffset FiredAt { get; private set; }

    /// <summary>The last value evaluated, if the expression had one.</summary>
    public double? Value { get; private set; }

    public AlertTransition Evaluate(bool holds, double? value, DateTimeOffset now)
    {
        Value = value;
        if (!holds)
        {
            var wasFiring = Phase == AlertPhase.Firing;
            Phase = AlertPhase.Inactive;
            return wasFiring ? AlertTransition.Resolved : AlertTransition.None;
        }

        if (Phase == AlertPhase.Inactive)
        {
            Phase = AlertPhase.Pending;
            ActiveSince = now;
        }

        if (Phase == AlertPhase.Pending && now - ActiveSince >= @for)
        {
            Phase = AlertPhase.Firing;
            FiredAt = now;
            return AlertTransition.Fired;
        }

        return AlertTransition.None;
    }
}
