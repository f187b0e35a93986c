using System.Diagnostics.Metrics;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aigis.Tests.Resilience;

/// <summary>Every way an upstream can break a stream after it began ends with an error event, never a clean finish.</summary>
public sealed class BrokenStreamTests
{
    public static TheoryData<string> Kinds => ["cut", "ended_without_done", "stalled", "malformed", "partial_line"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Ends_with_an_error_event_and_no_done(string kind)
    {
        var release = new TaskCompletionSource();
        var firstEventRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await Upstreams.BreakingStreamAsync("llm", firstEventRead.Task, async context =>
        {
            switch (kind)
            {
                case "cut":
                    context.Abort();
                    break;
                case "stalled":
                    await release.Task.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
                    break;
                case "malformed":
                    await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":{\"content\":\n\n");
                    await context.Response.WriteAsync("data: {\"n\":3}\n\ndata: [DONE]\n\n");
                    break;
                case "partial_line":
                    await context.Response.WriteAsync("data: {\"n\":2");
                    break;
            }

            // "ended_without_done" (and the rest) end the response here, cleanly, without data: [DONE].
        });
        var service = $"chat-{kind.Replace('_', '-')}";
        using var errors = new CountingListener("aigis.upstream.stream_errors", service);
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: {service}
                kind: llm
                models: [m]
                timeouts: {"{"}idle: 300ms{"}"}
                instances: ["{upstream.Url}"]
            """);

        var text = await Upstreams.ReadStreamAsync(gateway, "m", firstEventRead);
        release.TrySetResult();

        Assert.StartsWith("data: {\"n\":1}\n\n", text, StringComparison.Ordinal);
        Assert.EndsWith("data: {\"error\":{\"message\":\"" + text.Split("\"message\":\"")[1].Split('"')[0] + "\",\"type\":\"server_error\",\"code\":\"upstream_stream_error\"}}\n\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"n\":2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"n\":3", text, StringComparison.Ordinal);
        Assert.Equal(1, errors.Total);
    }

    [Fact]
    public async Task An_event_left_open_is_closed_before_the_error_event()
    {
        var firstEventRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync("llm", async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"n\":1}\n");
            await context.Response.Body.FlushAsync();
            await firstEventRead.Task.WaitAsync(TimeSpan.FromSeconds(20), context.RequestAborted);
            context.Abort();
        });
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["{upstream.Url}"]{"}"}
            """);

        var text = await Upstreams.ReadStreamAsync(gateway, "m", firstEventRead);

        Assert.StartsWith("data: {\"n\":1}\n\ndata: {\"error\":", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_broken_before_its_first_event_is_retried_on_another_instance()
    {
        await using var stalling = await TestUpstream.StartAsync("stalling", async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await using var good = await Upstreams.StreamAsync("good");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: chat
                kind: llm
                models: [m]
                timeouts: {"{"}firstByte: 1s{"}"}
                instances: ["{stalling.Url}", "{good.Url}"]
            """);

        var text = await Upstreams.ReadStreamAsync(gateway, "m");

        Assert.Equal(1, stalling.ModelRequests());
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("upstream_stream_error", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_past_its_total_timeout_ends_with_an_error_event()
    {
        await using var endless = await TestUpstream.StartAsync("endless", async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            for (var i = 0; i < 200 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.WriteAsync($"data: {{\"n\":{i}}}\n\n");
                await context.Response.Body.FlushAsync();
                await Task.Delay(50, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: chat
                kind: llm
                models: [m]
                timeouts: {"{"}connect: 1s, firstByte: 2s, total: 2s{"}"}
                instances: ["{endless.Url}"]
            """);

        var text = await Upstreams.ReadStreamAsync(gateway, "m");

        Assert.Contains("total timeout", text, StringComparison.Ordinal);
        Assert.EndsWith("\"code\":\"upstream_stream_error\"}}\n\n", text, StringComparison.Ordinal);
    }

    /// <summary>Sums one counter's measurements for one service (other tests' services are ignored).</summary>
    private sealed class CountingListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public CountingListener(string instrument, string service)
        {
            _listener.InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == "Aigis.Resilience" && i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "service" && (string?)tag.Value == service)
                    {
                        Interlocked.Add(ref _total, value);
                    }
                }
            });
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
