using Aigis.Core.Identity;
using Aigis.Identity;
using Aigis.Pipeline;
using Aigis.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>/admin/v1/tenants</c>: create, list, show, update (PATCH) and delete. The caller is an admin already
/// (<see cref="AdminAuthenticationMiddleware"/>); every change is audited by <see cref="TenantService"/>.
/// </summary>
internal sealed class AdminTenantEndpoints(TenantService tenants)
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/admin/v1/tenants", new RequestDelegate(CreateAsync)).WithSummary("Create a tenant.");
        endpoints.MapGet("/admin/v1/tenants", new RequestDelegate(ListAsync)).WithSummary("Tenants by name, a page at a time (?limit, ?cursor).");
        endpoints.MapGet("/admin/v1/tenants/{name}", new RequestDelegate(ShowAsync)).WithSummary("One tenant: access, limits, budget.");
        endpoints.MapMethods("/admin/v1/tenants/{name}", ["PATCH"], new RequestDelegate(UpdateAsync)).WithSummary("Change a tenant's access, limits or budget.");
        endpoints.MapDelete("/admin/v1/tenants/{name}", new RequestDelegate(DeleteAsync)).WithSummary("Delete a tenant that no usable key belongs to.");
    }

    private async Task CreateAsync(HttpContext context)
    {
        var (request, error) = await AdminRequests.ReadAsync(context, AdminJsonContext.Default.TenantRequest, required: true);
        if (request is null)
        {
            await GatewayErrorWriter.WriteAsync(context, error!.Value);
            return;
        }

        var name = request.Name?.Trim();
        if (!TenantDefinition.IsValidName(name))
        {
            await GatewayErrorWriter.WriteAsync(context, AdminErrors.InvalidField("name", "name is required: 1 to 63 letters, digits, '-', '_' or '.'."));
            return;
        }

        if (TenantRequestValidation.Apply(request, new TenantDefinition { Name = name! }, out var definition) is { } invalid)
        {
            await GatewayErrorWriter.WriteAsync(context, invalid);
            return;
        }

        var (change, stored) = await tenants.CreateAsync(definition, AuthAudit.Actor(context, context.Caller()!), context.RequestAborted);
        if (change == TenantChange.Exists)
        {
            await GatewayErrorWriter.WriteAsync(context, TenantErrors.Exists(name!));
            return;
        }

        await Results.Json(TenantRequestValidation.View(stored!), AdminJsonContext.Default.TenantView, statusCode: 201).ExecuteAsync(context);
    }

    private async Task ListAsync(HttpContext context)
    {
        if (!AdminPaging.TryRead(context, out var page, out var error))
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        // Tenants are few (each is a contract, not a caller): paged in memory, by name.
        var all = await tenants.ListAsync(context.RequestAborted);
        var (items, next) = AdminPaging.Page(all, t => t.Definition.Name, page);
        await Results.Json(new TenantList("list", items.Select(TenantRequestValidation.View).ToArray(), next), AdminJsonContext.Default.TenantList).ExecuteAsync(context);
    }

    private async Task ShowAsync(HttpContext context)
    {
        var name = RouteName(context);
        if (await tenants.FindAsync(name, context.RequestAborted) is not { } tenant)
        {
            await GatewayErrorWriter.WriteAsync(context, TenantErrors.NotFound(name));
            return;
        }

        await Results.Json(TenantRequestValidation.View(tenant), AdminJsonContext.Default.TenantView).ExecuteAsync(context);
    }

    private async Task UpdateAsync(HttpContext context)
    {
        var name = RouteName(context);
        var (request, error) = await AdminRequests.ReadAsync(context, AdminJsonContext.Default.TenantRequest, required: true);
        if (request is null)
        {
            await GatewayErrorWriter.WriteAsync(context, error!.Value);
            return;
        }

        if (request.Name is { } renamed && renamed != name)
        {
            await GatewayErrorWriter.WriteAsync(context, AdminErrors.InvalidField("name", "a tenant cannot be renamed: its keys and audit trail refer to it by name."));
            return;
        }

        // Validate against a blank definition first, so a bad field is reported before anything is read or written.
        if (TenantRequestValidation.Apply(request, new TenantDefinition { Name = name }, out _) is { } invalid)
        {
            await GatewayErrorWriter.WriteAsync(context, invalid);
            return;
        }

        var (change, stored) = await tenants.UpdateAsync(name, current =>
        {
            TenantRequestValidation.Apply(request, current, out var next);
            return next;
        }, AuthAudit.Actor(context, context.Caller()!), context.RequestAborted);
        if (change == TenantChange.NotFound)
        {
            await GatewayErrorWriter.WriteAsync(context, TenantErrors.NotFound(name));
            return;
        }

        if (change == TenantChange.LastAdminTenant)
        {
            await GatewayErrorWriter.WriteAsync(context, TenantErrors.LastAdminTenant(name));
            return;
        }

        await Results.Json(TenantRequestValidation.View(stored!), AdminJsonContext.Default.TenantView).ExecuteAsync(context);
    }

    private async Task DeleteAsync(HttpContext context)
    {
        var name = RouteName(context);
        if (await tenants.FindAsync(name, context.RequestAborted) is not { } existing)
        {
            await GatewayErrorWriter.WriteAsync(context, TenantErrors.NotFound(name));
            return;
        }

        switch (await tenants.DeleteAsync(name, AuthAudit.Actor(context, context.Caller()!), context.RequestAborted))
        {
            case TenantChange.NotFound:
                await GatewayErrorWriter.WriteAsync(context, TenantErrors.NotFound(name));
                return;
            case TenantChange.HasKeys:
                await GatewayErrorWriter.WriteAsync(context, TenantErrors.HasKeys(name));
                return;
            case TenantChange.Protected:
                await GatewayErrorWriter.WriteAsync(context, TenantErrors.Protected(name));
                return;
            default:
                // The tenant as it was, so the caller (and the CLI) can say what went.
                await Results.Json(TenantRequestValidation.View(existing), AdminJsonContext.Default.TenantView).ExecuteAsync(context);
                return;
        }
    }

    private static string RouteName(HttpContext context) => context.GetRouteValue("name") as string ?? "";
}

internal static class TenantErrors
{
    public static GatewayError NotFound(string name) =>
        new(404, "invalid_request_error", "tenant_not_found", $"There is no tenant `{Short(name)}`; create it with POST /admin/v1/tenants (or `aigis tenants create`).");

    public static GatewayError Exists(string name) =>
        new(409, "invalid_request_error", "tenant_exists", $"A tenant `{Short(name)}` exists already; change it with PATCH /admin/v1/tenants/{Short(name)}.");

    public static GatewayError HasKeys(string name) =>
        new(409, "invalid_request_error", "tenant_has_keys", $"Tenant `{Short(name)}` still has keys that are not revoked; revoke them first.");

    public static GatewayError Protected(string name) =>
        new(409, "invalid_request_error", "tenant_protected", $"Tenant `{Short(name)}` is where keys go when no tenant is named; it cannot be deleted.");

    public static GatewayError LastAdminTenant(string name) =>
        new(409, "invalid_request_error", "last_admin_key", $"Tenant `{Short(name)}` holds the last usable admin keys; making it a user tenant would lock everyone out of the admin API. Create an admin key in another admin tenant first.");

    public static GatewayError RoleAboveTenant(string tenant) =>
        new(400, "invalid_request_error", "invalid_field", $"Tenant `{Short(tenant)}` has the role user; its keys cannot be admin keys.", "role");

    private static string Short(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
