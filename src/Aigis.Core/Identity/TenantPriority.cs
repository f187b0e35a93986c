namespace Aigis.Core.Identity;

/// <summary>
/// How a tenant's requests rank when the gateway must shed load: lower priorities are shed first. Set per
/// tenant; callers without a tenant (auth disabled) are <see cref="Normal"/>.
/// </summary>
public enum TenantPriority
{
    Low = 0,
    Normal = 1,
    High = 2,
}
