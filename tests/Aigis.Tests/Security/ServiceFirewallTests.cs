using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Security;

/// <summary>A service's own CIDR lists are the firewall's, not intrusion detection's: they hold in every IDS mode.</summary>
public sealed class ServiceFirewallTests
{
    [Theory]
    [InlineData("off")]
    [InlineData("detect-only")]
    [InlineData("block")]
    public async Task A_services_deny_list_refuses_model_and_service_requests_whatever_the_ids_mode(string mode)
    {
        await using var upstream = await TestUpstream.StartAsync("up");
        await using var gateway = await GatewayUnderTest.StartAsync(
            $"  - {{name: chat, kind: llm, models: [m], instances: [\"{upstream.Url}\"]}}\n  - {{name: search, kind: http, instances: [\"{upstream.Url}\"]}}\n  - {{name: open, kind: llm, models: [free], instances: [\"{upstream.Url}\"]}}",
            $"  auth: disabled\nsecurity:\n  mode: {mode}\n  firewall:\n    services:\n      chat: {{deny: [\"::1\", \"127.0.0.0/8\"]}}\n      search: {{allow: [\"10.0.0.0/8\"]}}");

        var model = await gateway.Public.PostAsync("/v1/chat/completions", JsonContent.Create(new { model = "m", messages = new[] { new { role = "user", content = "hi" } } }));
        var service = await gateway.Public.GetAsync("/svc/search/x");
        var other = await gateway.Public.PostAsync("/v1/chat/completions", JsonContent.Create(new { model = "free", messages = new[] { new { role = "user", content = "hi" } } }));

        Assert.Equal(HttpStatusCode.Forbidden, model.StatusCode);
        Assert.Equal("address_denied", (await model.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, service.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Single(upstream.Received);
    }
}
