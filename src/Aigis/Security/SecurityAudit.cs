using System.Globalization;
using Aigis.Core.Security.Bans;
using Aigis.Core.Security.Inspection;
using Aigis.Identity;
using Aigis.Store;
using Microsoft.AspNetCore.Http;

namespace Aigis.Security;

/// <summary>Audit events for blocks, detections and bans: rule ids, scores and the client, never the payload.</summary>
internal static class SecurityAudit
{
    public const string IdsBlocked = "ids.blocked";
    public const string IdsDetected = "ids.detected";
    public const string PromptInjection = "ids.prompt_injection";
    public const string FirewallDenied = "firewall.denied";
    public const string BanCreated = "ban.created";
    public const string BanLifted = "ban.lifted";

    public static AuditEvent Inspection(HttpContext context, string action, string outcome, string code, ScoreCard card, bool promptInjection, DateTimeOffset at)
    {
        var score = promptInjection ? card.PromptInjectionScore : card.WebScore;
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"score={score} rules={card.RuleIds(promptInjection)}{(card.Truncated ? " truncated" : "")}{(card.TimedOut ? " timed-out" : "")}");
        return new AuditEvent(at, action, outcome, Actor(context), null, code, context.TraceIdentifier, context.ClientAddress().ToString(), detail);
    }

    public static AuditEvent Denied(HttpContext context, string code, DateTimeOffset at) =>
        new(at, FirewallDenied, "refused", Actor(context), null, code, context.TraceIdentifier, context.ClientAddress().ToString(), $"public {context.Request.Method}");

    public static AuditEvent Banned(BanEntry ban, string? requestId) =>
        new(ban.Since, BanCreated, "ok", AuditActions.System, ban.Address.ToString(), Reason(ban.Reason), requestId, ban.Address.ToString(),
            string.Create(CultureInfo.InvariantCulture, $"until={ban.Until:yyyy-MM-ddTHH:mm:ssZ} count={ban.Count}"));

    public static AuditEvent Lifted(string address, string actor, string requestId, DateTimeOffset at) =>
        new(at, BanLifted, "ok", actor, address, null, requestId, null, null);

    private static string Actor(HttpContext context) => context.Features.Get<CallerIdentity>()?.KeyId ?? AuditActions.Anonymous;

    private static string Reason(Offense offense) => offense switch
    {
        Offense.IdsBlock => "ids_blocks",
        Offense.AuthFailure => "auth_failures",
        _ => "client_errors",
    };
}
