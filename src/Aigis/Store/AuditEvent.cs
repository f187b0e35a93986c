namespace Aigis.Store;

/// <summary>
/// One security decision: who (<see cref="Actor"/>), did what (<see cref="Action"/>) to what (<see cref="Subject"/>),
/// when, with what outcome and why. Never holds a secret or a prompt: only key ids, names and codes.
/// </summary>
/// <param name="Action">What happened, e.g. <c>key.created</c>, <c>auth.refused</c>; see <see cref="AuditActions"/>.</param>
/// <param name="Outcome"><c>ok</c>, <c>refused</c>, or an HTTP status for admin calls.</param>
/// <param name="Actor">The key id acting, <c>anonymous</c> when none was proven, <c>aigis</c> for aigis itself.</param>
/// <param name="Subject">What was acted on (a key id), when anything.</param>
/// <param name="Reason">Why: an error code such as <c>revoked_api_key</c>.</param>
/// <param name="Detail">A short description (method and path, a key's name and role); never a body.</param>
internal sealed record AuditEvent(
    DateTimeOffset At,
    string Action,
    string Outcome,
    string Actor,
    string? Subject = null,
    string? Reason = null,
    string? RequestId = null,
    string? Client = null,
    string? Detail = null)
{
    /// <summary>The store's sequence number; 0 until written.</summary>
    public long Id { get; init; }
}

/// <summary>The actions the audit log records.</summary>
internal static class AuditActions
{
    public const string KeyCreated = "key.created";
    public const string KeyRotated = "key.rotated";
    public const string KeyRevoked = "key.revoked";
    public const string AuthRefused = "auth.refused";
    public const string AdminCall = "admin.call";
    public const string TenantCreated = "tenant.created";
    public const string TenantUpdated = "tenant.updated";
    public const string TenantDeleted = "tenant.deleted";
    public const string AccessRefused = "access.refused";
    public const string LimitRefused = "limit.refused";

    public const string System = "aigis";
    public const string Anonymous = "anonymous";
}
