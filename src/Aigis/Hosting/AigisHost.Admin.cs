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

/// <summary>The admin listener: its middleware, the admin API's endpoints, the OpenAPI document and the dashboard.</summary>
internal sealed partial class AigisHost
{
    private WebApplication BuildAdmin(AigisConfig config, ILoggerFactory loggerFactory)
    {
        var builder = CreateBuilder(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            KestrelListen.Bind(kestrel, config.Gateway.Admin);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IAuditStore>(_store);
        builder.Services.AddSingleton<IAuditPages>(_store);
        builder.Services.AddSingleton<IKeyPages>(_store);
        builder.Services.AddSingleton<IUsageStore>(_store);
        builder.Services.AddSingleton(Usage);
        builder.Services.AddSingleton<IDeployer>(_deployer);
        builder.Services.AddSingleton(_configHistory);
        builder.Services.AddSingleton<InstanceViews>();
        builder.Services.AddSingleton<AdminServiceEndpoints>();
        builder.Services.AddSingleton<AdminConfigEndpoints>();
        builder.Services.AddSingleton<AdminUsageEndpoints>();
        builder.Services.AddSingleton(_limits);
        builder.Services.AddSingleton<AdminLimitEndpoints>();
        builder.Services.AddSingleton(Fleet);
        builder.Services.AddSingleton<Dashboard.DashboardEndpoints>();
        builder.Services.AddSingleton(Keys);
        builder.Services.AddSingleton<AdminKeyEndpoints>();
        builder.Services.AddSingleton<AdminAuditEndpoints>();
        builder.Services.AddSingleton<AdminAdmissionEndpoints>();
        builder.Services.AddSingleton(Tenants);
        builder.Services.AddSingleton<AdminTenantEndpoints>();
        builder.Services.AddSingleton<AdminInstanceEndpoints>();
        builder.Services.AddSingleton(_alerts);
        builder.Services.AddSingleton<IAlertStore>(_store);
        builder.Services.AddSingleton<AdminAlertEndpoints>();
        builder.Services.AddSingleton<AdminBanEndpoints>();
        builder.Services.AddSingleton(_rollouts);
        builder.Services.AddSingleton<Rollouts.IRolloutStore>(_store);
        builder.Services.AddSingleton<AdminRolloutEndpoints>();

        var app = builder.Build();
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<UnhandledErrorMiddleware>();
        app.UseMiddleware<AdminFirewallMiddleware>();

        // Scrapers usually carry no credential: with metricsAuth none, /metrics answers before the admin key check.
        app.UseOpenTelemetryPrometheusScrapingEndpoint(_telemetry.Meters, c => IsMetricsPath(c) && State.Config.Telemetry.MetricsAuth == MetricsAuth.None, null, null, null);
        app.UseMiddleware<AdminAuthenticationMiddleware>();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(_telemetry.Meters, IsMetricsPath, null, null, null);
        app.UseRouting();
        AdminEndpoints.Map(app, State, () => _limitBackends?.Describe());
        app.Services.GetRequiredService<AdminKeyEndpoints>().Map(app);
        app.Services.GetRequiredService<AdminAuditEndpoints>().Map(app);
        app.Services.GetRequiredService<AdminAdmissionEndpoints>().Map(app);
        app.Services.GetRequiredService<AdminTenantEndpoints>().Map(app);
        app.Services.GetRequiredService<AdminInstanceEndpoints>().Map(app);
        app.Services.GetRequiredService<AdminAlertEndpoints>().Map(app);
        app.Services.GetRequiredService<AdminBanEndpoints>().Map(app);
        app.Services.GetRequiredService<AdminRolloutEndpoints>().Map(app);
        app.Services.GetRequiredService<AdminServiceEndpoints>().Map(app);
        app.Services.GetRequiredService<AdminConfigEndpoints>().Map(app);
        app.Services.GetRequiredService<AdminUsageEndpoints>().Map(app);
        app.Services.GetRequiredService<AdminLimitEndpoints>().Map(app);
        app.Services.GetRequiredService<Dashboard.DashboardEndpoints>().Map(app);

        // Last: the document describes every route mapped above, read from the routing table itself.
        var routes = new CompositeEndpointDataSource(((IEndpointRouteBuilder)app).DataSources);
        AdminRoutes = routes;
        new AdminOpenApiDocument(routes).Map(app);
        return app;
    }
}
