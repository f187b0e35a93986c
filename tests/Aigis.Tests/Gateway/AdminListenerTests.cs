using System.Net;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Gateway;

public sealed class AdminListenerTests
{
    [Fact]
    public async Task Probes_answer_on_the_admin_listener_only()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[{name: a}]");

        var health = await gateway.Admin.GetAsync("/healthz");
        var ready = await Json.ReadAsync(await gateway.Admin.GetAsync("/readyz"));
        var onPublic = await gateway.Public.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal(1, ready.GetProperty("services").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, onPublic.StatusCode);
    }

    [Fact]
    public async Task Model_apis_are_not_served_on_the_admin_listener()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");

        var response = await gateway.AdminApi.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
