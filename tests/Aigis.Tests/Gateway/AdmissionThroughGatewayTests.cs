using System.Diagnostics.Metrics;
using System.Net;
using Aigis.Admission;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Gateway;

/// <summary>Admission between balance and forward, through the real gateway to a real upstream that holds requests.</summary>
public sealed class AdmissionThroughGatewayTests
{
    private static string Service(Uri upstream, string admission) => $$"""
          - name: chat
            kind: llm
            models: [m]
            admission: {{admission}}
            instances: ["{{upstream}}"]
        """;

    [Fact]
    public async Task At_its_limit_with_a_full_queue_an_instance_sheds_with_503_overloaded_and_retry_after()
    {
        await using var upstream = await HeldUpstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Service(upstream.Url, "{enabled: true, algorithm: fixed, initialLimit: 1, queue: {maxSize: 0}}"));
        var shed = new List<(long Value, string Service, string Priority, string Reason)>();
        using var listener = ListenForShed(shed);

        var first = gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        await upstream.Arrived.WaitAsync(TimeSpan.FromSeconds(10));
        var second = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        var (code, message) = await Json.ErrorAsync(second);
        Assert.Equal("overloaded", code);
        Assert.Contains("`chat`", message, StringComparison.Ordinal);
        Assert.True(second.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), second.Headers.ToString());
        Assert.True(second.Headers.Contains("x-request-id"));
        Assert.Equal([(1L, "chat", "normal", "queue_full")], shed);
        Assert.Equal(1, upstream.Count);

        upstream.Release();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""))).StatusCode);
    }

    [Fact]
    public async Task A_queued_request_is_forwarded_when_the_slot_frees_and_the_admin_view_shows_the_queue()
    {
        await using var upstream = await HeldUpstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Service(upstream.Url, "{enabled: true, algorithm: fixed, initialLimit: 1, queue: {maxSize: 4, maxWait: 20s}}"));

        var first = gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        await upstream.Arrived.WaitAsync(TimeSpan.FromSeconds(10));
        var second = gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));

        var view = default(System.Text.Json.JsonElement);
        await Eventually.TrueAsync(async () =>
        {
            view = (await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/admission"))).GetProperty("data")[0];
            return view.GetProperty("queue").GetProperty("queued").GetInt32() == 1;
        }, TimeSpan.FromSeconds(10), () => view.ToString());
        Assert.Equal("chat", view.GetProperty("service").GetString());
        Assert.Equal("fixed", view.GetProperty("algorithm").GetString());
        Assert.Equal(1, view.GetProperty("limit").GetInt32());
        Assert.Equal(1, view.GetProperty("in_flight").GetInt32());
        Assert.Equal(1, view.GetProperty("queue").GetProperty("normal").GetInt32());
        Assert.Equal(4, view.GetProperty("queue").GetProperty("max_size").GetInt32());
        Assert.False(second.IsCompleted);
        Assert.Equal(1, upstream.Count);

        upstream.Release();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        Assert.Equal(2, upstream.Count);
    }

    [Fact]
    public async Task A_high_priority_tenant_takes_the_queue_place_of_a_low_priority_one_which_is_shed_first()
    {
        await using var upstream = await HeldUpstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(
            Service(upstream.Url, "{enabled: true, algorithm: fixed, initialLimit: 1, queue: {maxSize: 1, maxWait: 20s}}"), "  auth: required");
        var keys = new Dictionary<string, string>();
        foreach (var (tenant, priority) in new[] { ("gold", "high"), ("bronze", "low"), ("plain", "normal") })
        {
            await Identity.TenantsApi.EnsureAsync(gateway.AdminApi, tenant, $$"""{"services":["*"],"models":["*"],"priority":"{{priority}}"}""");
            keys[tenant] = (await Identity.KeysApi.CreateAsync(gateway.AdminApi, tenant + "-key", tenant)).Key;
        }

        var shed = new List<(long Value, string Service, string Priority, string Reason)>();
        using var listener = ListenForShed(shed);
        using var plain = gateway.PublicWithKey(keys["plain"]);
        using var bronze = gateway.PublicWithKey(keys["bronze"]);
        using var gold = gateway.PublicWithKey(keys["gold"]);

        var holding = plain.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        await upstream.Arrived.WaitAsync(TimeSpan.FromSeconds(10));
        var low = bronze.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        await Eventually.TrueAsync(async () =>
            (await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/admission"))).GetProperty("data")[0].GetProperty("queue").GetProperty("low").GetInt32() == 1,
            TimeSpan.FromSeconds(10), () => "the low-priority request never queued");
        var high = gold.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));

        var lowResponse = await low.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, lowResponse.StatusCode);
        Assert.Equal("overloaded", (await Json.ErrorAsync(lowResponse)).Code);
        Assert.True(lowResponse.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Contains((1L, "chat", "low", "evicted"), shed);
        Assert.False(high.IsCompleted);

        upstream.Release();
        Assert.Equal(HttpStatusCode.OK, (await holding).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await high.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
    }

    [Fact]
    public async Task The_admission_view_needs_an_admin_key()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");

        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Admin.GetAsync("/admin/v1/admission")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.AdminApi.GetAsync("/admin/v1/admission")).StatusCode);
    }

    [Fact]
    public async Task Without_admission_nothing_is_queued_or_shed()
    {
        await using var upstream = await HeldUpstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Service(upstream.Url, "{enabled: false, algorithm: fixed, initialLimit: 1, queue: {maxSize: 0}}"));

        var requests = Enumerable.Range(0, 3).Select(_ => gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""))).ToArray();
        await Eventually.TrueAsync(() => upstream.Count == 3, TimeSpan.FromSeconds(10), () => $"{upstream.Count} reached the upstream");
        upstream.Release();

        Assert.All(await Task.WhenAll(requests), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var view = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/admission"));
        Assert.Equal(0, view.GetProperty("data").GetArrayLength());
    }

    private static MeterListener ListenForShed(List<(long, string, string, string)> shed)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == AdmissionMetrics.MeterName && instrument.Name == "aigis.admission.shed")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var named = new Dictionary<string, string>();
            foreach (var tag in tags)
            {
                named[tag.Key] = (string)tag.Value!;
            }

            lock (shed)
            {
                shed.Add((value, named["service"], named["priority"], named["reason"]));
            }
        });
        listener.Start();
        return listener;
    }

    /// <summary>An upstream that holds every request until <see cref="Release"/>.</summary>
    private sealed class HeldUpstream : IAsyncDisposable
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TestUpstream _upstream = null!;
        private int _count;

        public Uri Url => _upstream.Url;

        public Task Arrived => _arrived.Task;

        public int Count => Volatile.Read(ref _count);

        public static async Task<HeldUpstream> StartAsync()
        {
            var held = new HeldUpstream();
            held._upstream = await TestUpstream.StartAsync("held", async (context, _) =>
            {
                Interlocked.Increment(ref held._count);
                held._arrived.TrySetResult();
                await held._release.Task.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{}", context.RequestAborted);
            });
            return held;
        }

        public void Release() => _release.TrySetResult();

        public async ValueTask DisposeAsync()
        {
            Release();
            await _upstream.DisposeAsync();
        }
    }
}
