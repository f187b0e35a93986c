using Aigis.Core.Identity;
using Microsoft.AspNetCore.Http;

namespace Aigis.Identity;

/// <summary>
/// Who is calling, as proven by authentication; later stages (authorization, limits, spend) read it from
/// <see cref="HttpContext.Features"/>. One instance per key, built when the key is loaded, so a request
/// allocates nothing for it. <see cref="Priority"/> is the tenant's, read by admission when it sheds load.
/// </summary>
internal sealed record CallerIdentity(string KeyId, string KeyName, string Tenant, KeyRole Role, TenantPriority Priority = TenantPriority.Normal)
{
    public bool IsAdmin => Role == KeyRole.Admin;
}

internal static class CallerIdentityExtensions
{
    /// <summary>The authenticated caller, or null when the listener runs with <c>auth: disabled</c>.</summary>
    public static CallerIdentity? Caller(this HttpContext context) => context.Features.Get<CallerIdentity>();
}
