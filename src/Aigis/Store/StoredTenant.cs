using Aigis.Core.Identity;

namespace Aigis.Store;

/// <summary>A tenant as the store keeps it: its definition and who made it when.</summary>
internal sealed record StoredTenant(TenantDefinition Definition, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string CreatedBy)
{
    public string Name => Definition.Name;
}
