using System.Diagnostics.Metrics;
using Aigis.Alerts;
using Aigis.Core.Balancing;
using Aigis.Core.Configuration;
using Aigis.Deployers;
using Aigis.Core.Identity;
using Aigis.Endpoints;
using Aigis.Identity;
using Aigis.Pipeline;
using Aigis.Proxy;
using Aigis.Security;
using Aigis.Core.Security.Bans;
using Aigis.Store;
using Aigis.Telemetry;
using OpenTelemetry.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aigis.Hosting;

/// <summary>The public listener's application: the governed pipeline, stage by stage, and what its stages share.</summary>
internal sealed partial class AigisHost
{
    private WebApplication BuildPublic(AigisConfig config, ILoggerFactory loggerFactory)
    {
        var builder = CreateBuilder(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = config.Gateway.MaxBodySize;
            SecurityKestrelLimits.Apply(kestrel.Limits, config.Security.Limits);
            KestrelListen.Bind(kestrel, config.Gateway.Listen);
        });
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton(_invokers);
        builder.Services.AddSingleton(_deadlines);
        builder.Services.AddSingleton(_resilienceMetrics);
        builder.Services.AddSingleton(_healthEvents);
        builder.Services.AddSingleton<GatewayTransformer>();
        builder.Services.AddSingleton<UpstreamForwarder>();
        builder.Services.AddSingleton<PublicRouter>();
        builder.Services.AddSingleton(_limits);
        // Made in StartAsync, before the pipeline is built (its Redis connection is proven there).
        builder.Services.AddSingleton(_ => _limitBackends?.Backend ?? throw new InvalidOperationException("limit backend used before start"));
        builder.Services.AddSingleton(_spend);
        builder.Services.AddSingleton(Usage);
        builder.Services.AddSingleton(_metrics);
        builder.Services.AddSingleton(_accessLog);
        builder.Services.AddSingleton(_caches);

        var app = builder.Build();
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<TelemetryMiddleware>();
        app.UseMiddleware<UnhandledErrorMiddleware>();
        app.UseMiddleware<RequestResolutionMiddleware>();
        app.UseMiddleware<FirewallMiddleware>();
        app.UseMiddleware<RequestLimitsMiddleware>();
        app.UseMiddleware<AuthenticationMiddleware>();
        app.UseMiddleware<ModelBodyMiddleware>();
        app.UseMiddleware<ServiceFirewallMiddleware>();
        app.UseMiddleware<AuthorizationMiddleware>();
        app.UseMiddleware<IntrusionDetectionMiddleware>();
        app.UseMiddleware<Limits.TokenCountingMiddleware>();
        app.UseMiddleware<Limits.BudgetMiddleware>();
        app.UseMiddleware<Limits.RateLimitMiddleware>();
        app.UseMiddleware<Caching.ResponseCacheMiddleware>();
        var router = app.Services.GetRequiredService<PublicRouter>();
        app.Run(router.InvokeAsync);
        return app;
    }

    private WebApplicationBuilder CreateBuilder(ILoggerFactory loggerFactory)
    {
        // The empty builder reads no appsettings or ASPNETCORE_ variables: the Aigis config is the only input.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "aigis" });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddLogging();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(_options.TimeProvider);
        builder.Services.AddSingleton(State);
        builder.Services.AddSingleton(_authenticator);
        builder.Services.AddSingleton(Directory);
        builder.Services.AddSingleton(_audit);
        builder.Services.AddSingleton(_admission);
        builder.Services.AddSingleton(_drain);
        builder.Services.AddSingleton(_identityMetrics);
        builder.Services.AddSingleton(_security);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        return builder;
    }
}
