using Aigis.Admission;
using Aigis.Core.Admission;
using Aigis.Core.Balancing;
using Aigis.Core.Configuration;
using Aigis.Core.Identity;
using Aigis.Hosting;
using Aigis.Identity;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Tests.Admission;

/// <summary>The admission stage on its own: the caller's priority decides who is shed, and a refusal is recorded as admission's.</summary>
public sealed class AdmissionGateTests
{
    private static readonly AigisConfig s_config = new()
    {
        Services =
        [
            new ServiceConfig
            {
                Name = "chat",
                Instances = [new InstanceConfig { Id = "a", Url = new Uri("http://127.0.0.1:9") }],
                Admission = new AdmissionOptions
                {
                    Enabled = true,
                    Algorithm = AdmissionAlgorithm.Fixed,
                    InitialLimit = 1,
                    Queue = new AdmissionQueueOptions { MaxSize = 1, MaxWait = TimeSpan.FromSeconds(30) },
                },
            },
        ],
    };

    [Fact]
    public async Task A_high_priority_caller_evicts_a_queued_low_priority_one_whose_refusal_is_503_overloaded_by_admission()
    {
        var time = new FakeTimeProvider();
        var state = new GatewayState(s_config, time, new LoadBalancingPolicyFactory(time, () => new Random(1)));
        var gate = new AdmissionGate(state, time, NullLogger.Instance, Infrastructure.TestMeters.NewFactory());
        var route = state.Routes.ByName["chat"];
        var instance = route.Instances[0];

        var holder = await gate.EnterAsync(Caller(null), route, instance);
        var low = Caller(TenantPriority.Low);
        var lowTicket = gate.EnterAsync(low, route, instance).AsTask();
        Assert.False(lowTicket.IsCompleted);
        var high = Caller(TenantPriority.High);
        var highTicket = gate.EnterAsync(high, route, instance).AsTask();

        var refused = await lowTicket.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(refused.IsAdmitted);
        Assert.Equal(ShedReason.Evicted, refused.Reason);
        Assert.True(refused.RetryAfter >= TimeSpan.FromSeconds(1));

        // The forwarder answers the refusal (or tries a fallback first).
        await AdmissionGate.RefuseAsync(low, route, refused);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, low.Response.StatusCode);
        Assert.Equal(PipelineStage.Admission, low.Record().RefusedBy);
        Assert.Equal("overloaded", low.Record().ErrorCode);
        Assert.False(highTicket.IsCompleted);

        gate.Exit(holder, Caller(null), failed: false);
        Assert.True((await highTicket.WaitAsync(TimeSpan.FromSeconds(10))).IsAdmitted);
        var view = Assert.Single(gate.Limiters());
        Assert.Equal(("chat", "a", 1, 0), (view.Service, view.Instance, view.Limiter.InFlight, view.Limiter.Queued));
    }

    [Fact]
    public async Task A_service_without_admission_admits_without_a_limiter()
    {
        var time = new FakeTimeProvider();
        var config = s_config with { Services = [s_config.Services[0] with { Admission = new AdmissionOptions() }] };
        var state = new GatewayState(config, time, new LoadBalancingPolicyFactory(time, () => new Random(1)));
        var gate = new AdmissionGate(state, time, NullLogger.Instance, Infrastructure.TestMeters.NewFactory());
        var route = state.Routes.ByName["chat"];

        for (var i = 0; i < 5; i++)
        {
            var ticket = await gate.EnterAsync(Caller(null), route, route.Instances[0]);
            Assert.True(ticket.IsAdmitted);
            Assert.Null(ticket.Limiter);
        }

        Assert.Empty(gate.Limiters());
    }

    [Fact]
    public async Task A_reload_keeps_an_instance_limiter_while_its_options_stay_and_replaces_it_when_they_change()
    {
        var time = new FakeTimeProvider();
        var state = new GatewayState(s_config, time, new LoadBalancingPolicyFactory(time, () => new Random(1)));
        var gate = new AdmissionGate(state, time, NullLogger.Instance, Infrastructure.TestMeters.NewFactory());
        var held = await gate.EnterAsync(Caller(null), state.Routes.ByName["chat"], state.Routes.ByName["chat"].Instances[0]);
        var first = Assert.Single(gate.Limiters()).Limiter;

        // The same options in a new config object (what every reload builds): the same limiter, where it queues.
        state.Apply(s_config with { Services = [s_config.Services[0] with { Admission = s_config.Services[0].Admission with { } }] });
        var route = state.Routes.ByName["chat"];
        var queued = gate.EnterAsync(Caller(null), route, route.Instances[0]).AsTask();
        Assert.False(queued.IsCompleted);
        Assert.Same(first, Assert.Single(gate.Limiters()).Limiter);
        Assert.Equal(1, first.Queued);

        state.Apply(s_config with { Services = [s_config.Services[0] with { Admission = s_config.Services[0].Admission with { InitialLimit = 5 } }] });
        route = state.Routes.ByName["chat"];
        Assert.True((await gate.EnterAsync(Caller(null), route, route.Instances[0])).IsAdmitted);
        var second = Assert.Single(gate.Limiters()).Limiter;
        Assert.NotSame(first, second);
        Assert.Equal((5, 1), (second.Limit, second.InFlight));

        // Requests admitted before the change release to the limiter that admitted them.
        gate.Exit(held, Caller(null), failed: false);
        Assert.True((await queued.WaitAsync(TimeSpan.FromSeconds(10))).IsAdmitted);
        Assert.Equal((1, 0, 1), (first.InFlight, first.Queued, second.InFlight));
    }

    private static DefaultHttpContext Caller(TenantPriority? priority)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        context.Record(); // As RequestIdMiddleware does for every request.
        if (priority is { } p)
        {
            context.Features.Set(new CallerIdentity("k1", "key", "tenant", KeyRole.User, p));
        }

        return context;
    }
}
