using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Aigis.Core.Configuration;
using Aigis.Core.Identity;
using Aigis.Identity;
using Aigis.Pipeline;
using Aigis.Serialization;
using Aigis.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>/admin/v1/keys</c>: create (the key is in that answer only), list, show, revoke and rotate. The caller is
/// an admin already (<see cref="AdminAuthenticationMiddleware"/>).
/// </summary>
internal sealed class AdminKeyEndpoints(ApiKeyService keys, TenantService tenants, IKeyPages pages, TimeProvider timeProvider)
{
    public static readonly TimeSpan DefaultOverlap = TimeSpan.FromHours(1);
    private static readonly TimeSpan s_maxLifetime = TimeSpan.FromDays(3650);
    private static readonly TimeSpan s_maxOverlap = TimeSpan.FromDays(30);

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/admin/v1/keys", new RequestDelegate(CreateAsync)).WithSummary("Create a key; the answer holds the secret, once.");
        endpoints.MapGet("/admin/v1/keys", new RequestDelegate(ListAsync)).WithSummary("Keys, oldest first, a page at a time (?limit, ?cursor, ?tenant); never a secret.");
        endpoints.MapGet("/admin/v1/keys/{id}", new RequestDelegate(ShowAsync)).WithSummary("One key.");
        endpoints.MapDelete("/admin/v1/keys/{id}", new RequestDelegate(RevokeAsync)).WithSummary("Revoke a key.");
        endpoints.MapPost("/admin/v1/keys/{id}/rotate", new RequestDelegate(RotateAsync)).WithSummary("Replace a key; the old one stays valid for the overlap.");
    }

    public static KeyView View(StoredApiKey key, DateTimeOffset now) => new(
        key.Id, key.Name, key.Tenant, KeyRoles.Name(key.Role), key.StatusAt(now).ToString().ToLowerInvariant(),
        key.CreatedAt, key.ExpiresAt, key.RevokedAt, key.ReplacedBy, key.Replaces, key.CreatedBy);

    private async Task CreateAsync(HttpContext context)
    {
        var (request, error) = await AdminRequests.ReadAsync(context, AdminJsonContext.Default.CreateKeyRequest, required: true);
        if (request is null)
        {
            await GatewayErrorWriter.WriteAsync(context, error!.Value);
            return;
        }

        if (Validate(request, out var spec) is { } invalid)
        {
            await GatewayErrorWriter.WriteAsync(context, invalid);
            return;
        }

        // Keys belong to a tenant that exists, and are never more than it allows.
        if (await tenants.FindAsync(spec!.Tenant, context.RequestAborted) is not { } tenant)
        {
            await GatewayErrorWriter.WriteAsync(context, TenantErrors.NotFound(spec.Tenant));
            return;
        }

        if (spec.Role == KeyRole.Admin && tenant.Definition.Role == KeyRole.User)
        {
            await GatewayErrorWriter.WriteAsync(context, TenantErrors.RoleAboveTenant(spec.Tenant));
            return;
        }

        var created = await keys.CreateAsync(spec, AuthAudit.Actor(context, context.Caller()!), context.RequestAborted);
        context.Response.Headers.CacheControl = "no-store";
        await Results.Json(new CreatedKeyView(created.Key, View(created.Record, timeProvider.GetUtcNow()), null), AdminJsonContext.Default.CreatedKeyView, statusCode: 201)
            .ExecuteAsync(context);
    }

    private async Task ListAsync(HttpContext context)
    {
        if (!AdminPaging.TryRead(context, out var page, out var error) || !TryPosition(page.After, out var after, out error))
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        // One row more than asked says whether there is a next page without a count over the whole table.
        var rows = await pages.ListKeysPageAsync(new KeyPageQuery(page.Limit + 1, after, AdminPaging.Filter(context, "tenant")), context.RequestAborted);
        var now = timeProvider.GetUtcNow();
        var shown = rows.Count > page.Limit ? rows.Take(page.Limit).ToArray() : rows;
        var next = rows.Count > page.Limit ? AdminPaging.Encode(Position(shown[^1])) : null;
        await Results.Json(new KeyList("list", shown.Select(k => View(k, now)).ToArray(), next), AdminJsonContext.Default.KeyList).ExecuteAsync(context);
    }

    private static string Position(StoredApiKey key) =>
        key.CreatedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + key.Id;

    private static bool TryPosition(string? text, out KeyPosition? position, out GatewayError error)
    {
        position = null;
        error = default;
        if (text is null)
        {
            return true;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && long.TryParse(text.AsSpan(0, colon), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            && ms is >= -62135596800000 and <= 253402300799999)
        {
            position = new KeyPosition(DateTimeOffset.FromUnixTimeMilliseconds(ms), text[(colon + 1)..]);
            return true;
        }

        error = AdminErrors.InvalidField("cursor", "cursor is not one this API gave out; pass the next_cursor of the previous page unchanged.");
        return false;
    }

    private async Task ShowAsync(HttpContext context)
    {
        var id = RouteId(context);
        if (await keys.FindAsync(id, context.RequestAborted) is not { } key)
        {
            await GatewayErrorWriter.WriteAsync(context, AdminErrors.KeyNotFound(id));
            return;
        }

        await Results.Json(View(key, timeProvider.GetUtcNow()), AdminJsonContext.Default.KeyView).ExecuteAsync(context);
    }

    private async Task RevokeAsync(HttpContext context)
    {
        var id = RouteId(context);
        var (change, key) = await keys.RevokeAsync(id, AuthAudit.Actor(context, context.Caller()!), context.RequestAborted);
        switch (change)
        {
            case KeyChange.NotFound:
                await GatewayErrorWriter.WriteAsync(context, AdminErrors.KeyNotFound(id));
                return;
            case KeyChange.LastAdminKey:
                await GatewayErrorWriter.WriteAsync(context, AdminErrors.LastAdminKey(id));
                return;
            default:
                await Results.Json(View(key!, timeProvider.GetUtcNow()), AdminJsonContext.Default.KeyView).ExecuteAsync(context);
                return;
        }
    }

    private async Task RotateAsync(HttpContext context)
    {
        var id = RouteId(context);
        var (request, error) = await AdminRequests.ReadAsync(context, AdminJsonContext.Default.RotateKeyRequest, required: false);
        if (error is { } bad)
        {
            await GatewayErrorWriter.WriteAsync(context, bad);
            return;
        }

        var overlap = DefaultOverlap;
        if (request?.Overlap is { } text && !AdminRequests.TryDuration(text, "overlap", TimeSpan.Zero, s_maxOverlap, out overlap, out var invalid))
        {
            await GatewayErrorWriter.WriteAsync(context, invalid);
            return;
        }

        var (change, old, created) = await keys.RotateAsync(id, overlap, AuthAudit.Actor(context, context.Caller()!), context.RequestAborted);
        var now = timeProvider.GetUtcNow();
        switch (change)
        {
            case KeyChange.NotFound:
                await GatewayErrorWriter.WriteAsync(context, AdminErrors.KeyNotFound(id));
                return;
            case KeyChange.NotRotatable:
                await GatewayErrorWriter.WriteAsync(context, AdminErrors.NotRotatable(id, old!.StatusAt(now), old.ReplacedBy));
                return;
            default:
                context.Response.Headers.CacheControl = "no-store";
                await Results.Json(new CreatedKeyView(created!.Key, View(created.Record, now), View(old!, now)), AdminJsonContext.Default.CreatedKeyView, statusCode: 201)
                    .ExecuteAsync(context);
                return;
        }
    }

    private static GatewayError? Validate(CreateKeyRequest request, out KeySpec? spec)
    {
        spec = null;
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100 || name.Any(char.IsControl))
        {
            return AdminErrors.InvalidField("name", "name is required: 1 to 100 printable characters, e.g. \"billing-service\".");
        }

        var tenant = request.Tenant?.Trim() ?? KeySpec.DefaultTenant;
        if (!IsTenant(tenant))
        {
            return AdminErrors.InvalidField("tenant", $"tenant '{Short(tenant)}' is not valid: 1 to 63 letters, digits, '-', '_' or '.'.");
        }

        var role = KeyRole.User;
        if (request.Role is { } roleText && !KeyRoles.TryParse(roleText, out role))
        {
            return AdminErrors.InvalidField("role", $"role '{Short(roleText)}' is not one of: user, admin.");
        }

        TimeSpan? lifetime = null;
        if (request.ExpiresIn is { } expiresText)
        {
            if (!AdminRequests.TryDuration(expiresText, "expires_in", TimeSpan.FromSeconds(1), s_maxLifetime, out var value, out var invalid))
            {
                return invalid;
            }

            lifetime = value;
        }

        spec = new KeySpec(name, tenant, role, lifetime);
        return null;
    }

    private static bool IsTenant(string tenant) => TenantDefinition.IsValidName(tenant);

    private static string Short(string text) => text.Length <= 64 ? text : text[..64] + "...";

    private static string RouteId(HttpContext context) => context.GetRouteValue("id") as string ?? "";
}

/// <summary>Reading admin request bodies and query values, each problem a 400 naming the field.</summary>
internal static class AdminRequests
{
    private const int MaxBody = 64 * 1024;

    public static async Task<(T? Value, GatewayError? Error)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type, bool required)
        where T : class
    {
        if (context.Request.ContentLength is 0 || (context.Request.ContentLength is null && context.Request.Headers.TransferEncoding.Count == 0))
        {
            return required ? (null, AdminErrors.InvalidJson("the request needs a JSON body")) : (null, null);
        }

        if (context.Request.ContentLength > MaxBody)
        {
            return (null, GatewayError.BodyTooLarge(MaxBody));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted);
            return value is null ? (null, AdminErrors.InvalidJson("the body must be a JSON object")) : (value, null);
        }
        catch (JsonException e)
        {
            // System.Text.Json's message names the field and position; it quotes no values.
            return (null, AdminErrors.InvalidJson(e.Message));
        }
    }

    public static bool TryDuration(string text, string field, TimeSpan min, TimeSpan max, out TimeSpan value, out GatewayError error)
    {
        error = default;
        if (!DurationParser.TryParse(text, out value, out var problem))
        {
            error = AdminErrors.InvalidField(field, $"{field}: {problem}");
            return false;
        }

        if (value < min || value > max)
        {
            error = AdminErrors.InvalidField(field, $"{field} must be between {DurationParser.Format(min)} and {DurationParser.Format(max)}, not {text}.");
            return false;
        }

        return true;
    }
}

internal static class AdminErrors
{
    public static GatewayError InvalidJson(string detail) =>
        new(400, "invalid_request_error", "invalid_json", $"The request body is not valid: {detail}");

    public static GatewayError InvalidField(string field, string message) =>
        new(400, "invalid_request_error", "invalid_field", message, field);

    public static GatewayError KeyNotFound(string id) =>
        new(404, "invalid_request_error", "key_not_found", $"There is no key with id `{(id.Length <= 64 ? id : id[..64])}`.");

    public static GatewayError LastAdminKey(string id) =>
        new(409, "invalid_request_error", "last_admin_key", $"Key {id} is the last usable admin key; create another admin key before revoking it.");

    public static GatewayError NotRotatable(string id, KeyStatus status, string? replacedBy) =>
        new(409, "invalid_request_error", "key_not_rotatable", status switch
        {
            KeyStatus.Rotating => $"Key {id} was already rotated; its replacement is {replacedBy}.",
            KeyStatus.Revoked => $"Key {id} is revoked; create a new key instead.",
            _ => $"Key {id} has expired; create a new key instead.",
        });
}
