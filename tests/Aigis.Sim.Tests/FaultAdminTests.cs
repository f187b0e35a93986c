using System.Net;
using System.Text.Json;
using Aigis.Sim.Faults;

namespace Aigis.Sim.Tests;

public sealed class FaultAdminTests
{
    private const string NoFaults =
        """{"error_rate":0,"error_status":500,"latency_ms":0,"hang":false,"crash_after":null,"stream_cut_after":null,"malformed_stream":false}""";

    [Fact]
    public async Task Get_returns_no_faults_by_default()
    {
        await using var sim = await SimTestServer.StartAsync();

        Assert.Equal(NoFaults, await sim.GetStringAsync("admin/faults"));
    }

    [Fact]
    public async Task Post_replaces_the_faults_and_get_returns_them()
    {
        await using var sim = await SimTestServer.StartAsync();
        const string Faults =
            """{"error_rate":0.2,"error_status":503,"latency_ms":100,"hang":false,"crash_after":7,"stream_cut_after":3,"malformed_stream":true}""";

        using var posted = await sim.PostAsync("admin/faults", Faults);

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(Faults, await posted.Content.ReadAsStringAsync());
        Assert.Equal(Faults, await sim.GetStringAsync("admin/faults"));
    }

    [Fact]
    public async Task Post_replaces_rather_than_merges_so_absent_and_null_fields_take_their_defaults()
    {
        await using var sim = await SimTestServer.StartAsync();

        using var _ = await sim.PostAsync("admin/faults", """{"error_rate": 0.5, "latency_ms": 20, "crash_after": 4}""");
        using var __ = await sim.PostAsync("admin/faults", """{"hang": true, "crash_after": null}""");

        Assert.Equal(NoFaults.Replace("\"hang\":false", "\"hang\":true", StringComparison.Ordinal), await sim.GetStringAsync("admin/faults"));
    }

    [Fact]
    public async Task Delete_clears_the_faults()
    {
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { Faults = new FaultSettings { ErrorRate = 1 } });

        using var response = await sim.Client.DeleteAsync(new Uri("admin/faults", UriKind.Relative));

        Assert.Equal(NoFaults, await response.Content.ReadAsStringAsync());
        using var _ = await sim.PostForJsonAsync("v1/embeddings", """{"model": "sim-llama-3-8b", "input": "hi"}""");
    }

    [Fact]
    public async Task Faults_from_the_options_are_in_force_at_start()
    {
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { Faults = new FaultSettings { ErrorRate = 1, ErrorStatus = 429 } });

        using var document = JsonDocument.Parse(await sim.GetStringAsync("admin/faults"));

        Assert.Equal(1, document.RootElement.GetProperty("error_rate").GetDouble());
        Assert.Equal(429, document.RootElement.GetProperty("error_status").GetInt32());
    }

    [Theory]
    [InlineData("""{"error_rate": 1.5}""", "error_rate")]
    [InlineData("""{"error_rate": -0.1}""", "error_rate")]
    [InlineData("""{"error_rate": "0.2"}""", "error_rate")]
    [InlineData("""{"error_status": 200}""", "error_status")]
    [InlineData("""{"error_status": 600}""", "error_status")]
    [InlineData("""{"latency_ms": -1}""", "latency_ms")]
    [InlineData("""{"latency_ms": 600001}""", "latency_ms")]
    [InlineData("""{"latency_ms": 1.5}""", "latency_ms")]
    [InlineData("""{"hang": "yes"}""", "hang")]
    [InlineData("""{"crash_after": 0}""", "crash_after")]
    [InlineData("""{"stream_cut_after": -1}""", "stream_cut_after")]
    [InlineData("""{"malformed_stream": 1}""", "malformed_stream")]
    [InlineData("""{"eror_rate": 0.2}""", "eror_rate")]
    [InlineData("""{"hang": true, "error_status": 99}""", "error_status")]
    [InlineData("""{not json""", null)]
    [InlineData("""[0.2]""", null)]
    public async Task Bad_faults_are_a_400_and_leave_the_faults_in_force(string body, string? param)
    {
        await using var sim = await SimTestServer.StartAsync();

        using var document = await sim.PostForJsonAsync("admin/faults", body, HttpStatusCode.BadRequest);

        var error = document.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(NoFaults, await sim.GetStringAsync("admin/faults"));
    }

    [Fact]
    public async Task A_400_lists_every_bad_field()
    {
        await using var sim = await SimTestServer.StartAsync();

        using var document = await sim.PostForJsonAsync("admin/faults", """{"error_rate": 2, "latency_ms": "slow", "bogus": 1}""", HttpStatusCode.BadRequest);

        var message = document.RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("'error_rate'", message, StringComparison.Ordinal);
        Assert.Contains("'latency_ms'", message, StringComparison.Ordinal);
        Assert.Contains("'bogus': unknown field", message, StringComparison.Ordinal);
    }
}
