namespace Aigis.Core.Identity;

/// <summary>What a tenant may use, compiled from its <see cref="TenantDefinition"/> once per change.</summary>
public sealed class TenantAccess(TenantDefinition tenant)
{
    public TenantDefinition Tenant { get; } = tenant;

    public AccessList Services { get; } = new(tenant.Services);

    public AccessList Models { get; } = new(tenant.Models);

    /// <summary>
    /// A model may be called when the model's name is allowed. The service behind it need not be listed too:
    /// naming a model is the finer grant, and asking for both would make every model grant a two-line change.
    /// </summary>
    public bool MayUseModel(ReadOnlySpan<char> model) => Models.Allows(model);

    public bool MayUseService(ReadOnlySpan<char> service) => Services.Allows(service);
}
