using Aigis.Bench.Load;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aigis.Tests.Bench;

/// <summary>The open-loop generator against real Kestrel upstreams.</summary>
public sealed class OpenLoopLoadTests
{
    [Fact]
    public async Task Sends_rate_times_duration_requests_and_counts_them_all()
    {
        await using var upstream = await TestUpstream.StartAsync("a");
        using var client = OpenLoopLoad.CreateClient();
        var plan = new LoadPlan { Url = new Uri(upstream.Url, "/x"), Rate = 200, Duration = TimeSpan.FromSeconds(1) };

        var result = await new OpenLoopLoad(plan, client).RunAsync();

        Assert.Equal(200, result.Requests);
        Assert.Equal(0, result.Errors);
        Assert.Equal(200, upstream.Received.Count);
        Assert.InRange(result.PercentileMs(50), 0.001, 1000);
        Assert.True(result.PercentileMs(99) >= result.PercentileMs(50));
    }

    [Fact]
    public async Task Counts_errors_by_status_and_keeps_sending_at_the_rate()
    {
        var n = 0;
        await using var upstream = await TestUpstream.StartAsync("a", (context, _) =>
        {
            context.Response.StatusCode = Interlocked.Increment(ref n) % 4 == 0 ? 503 : 200;
            return Task.CompletedTask;
        });
        using var client = OpenLoopLoad.CreateClient();
        var plan = new LoadPlan { Url = upstream.Url, Rate = 100, Duration = TimeSpan.FromSeconds(1), Body = "{}"u8.ToArray() };

        var result = await new OpenLoopLoad(plan, client).RunAsync();

        Assert.Equal(100, result.Requests);
        Assert.Equal(25, result.Errors);
        Assert.Equal(25, result.ErrorsByKind["503"]);
        Assert.All(upstream.Received, r => Assert.Equal("POST", r.Method));
    }

    [Fact]
    public async Task A_stall_charges_every_request_that_fell_due_during_it()
    {
        // One connection and a 600 ms stall on the first request: a closed-loop tool would record one slow
        // request among fast ones. Open loop, the ~60 requests due during the stall all waited for it.
        var stalled = 0;
        await using var upstream = await TestUpstream.StartAsync("a", async (context, _) =>
        {
            if (Interlocked.Exchange(ref stalled, 1) == 0)
            {
                await Task.Delay(600, context.RequestAborted);
            }
        });
        using var client = OpenLoopLoad.CreateClient();
        var plan = new LoadPlan { Url = upstream.Url, Rate = 100, Duration = TimeSpan.FromSeconds(2), ConcurrencyCap = 1 };

        var result = await new OpenLoopLoad(plan, client).RunAsync();

        Assert.Equal(200, result.Requests);
        Assert.Equal(0, result.Errors);
        // At least a quarter of the requests waited 100 ms or more behind the stall.
        Assert.True(result.PercentileMs(75) >= 100, $"p75 {result.PercentileMs(75)} ms");
        Assert.True(result.MaxMs >= 550, $"max {result.MaxMs} ms");
    }

    [Fact]
    public async Task A_request_past_its_timeout_is_a_timeout_error_and_the_run_still_ends()
    {
        await using var upstream = await TestUpstream.StartAsync("a", async (context, _) =>
        {
            if (context.Request.Query.ContainsKey("hang"))
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        using var client = OpenLoopLoad.CreateClient();
        var plan = new LoadPlan { Url = new Uri(upstream.Url, "/?hang=1"), Rate = 20, Duration = TimeSpan.FromSeconds(0.5), RequestTimeout = TimeSpan.FromMilliseconds(300) };

        var result = await new OpenLoopLoad(plan, client).RunAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(10, result.Requests);
        Assert.Equal(10, result.ErrorsByKind[LoadOutcome.Timeout]);
    }

    [Fact]
    public async Task A_stream_without_done_is_a_broken_stream()
    {
        await using var upstream = await TestUpstream.StartAsync("a", async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"x\":1}\n\n");
            if (context.Request.Query.ContainsKey("complete"))
            {
                await context.Response.WriteAsync("data: [DONE]\n\n");
            }
        });
        using var client = OpenLoopLoad.CreateClient();
        var broken = await new OpenLoopLoad(new LoadPlan { Url = upstream.Url, Rate = 10, Duration = TimeSpan.FromSeconds(0.5), Stream = true }, client).RunAsync();
        var complete = await new OpenLoopLoad(new LoadPlan { Url = new Uri(upstream.Url, "/?complete=1"), Rate = 10, Duration = TimeSpan.FromSeconds(0.5), Stream = true }, client).RunAsync();

        Assert.Equal(5, broken.ErrorsByKind[LoadOutcome.BrokenStream]);
        Assert.Equal(0, complete.Errors);
    }
}
