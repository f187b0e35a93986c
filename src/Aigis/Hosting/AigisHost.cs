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

/// <summary>
/// The running gateway: a public listener (model APIs only) and an admin listener, as two separate
/// Kestrel applications so no admin route can ever be reached from the public side. They share one
/// <see cref="GatewayState"/>, into which the process deployer publishes the replicas it runs, and one store
/// (keys, audit log) with its key cache and audit writer.
/// </summary>
internal sealed partial class AigisHost : IAsyncDisposable
{
    private readonly WebApplication _public;
    private readonly WebApplication _admin;
    private readonly AigisHostOptions _options;
    private readonly UpstreamInvokers _invokers;
    private readonly UpstreamDeadlines _deadlines;
    private readonly Shutdown.ShutdownDrain _drain;
    private int _stopping;

    private readonly ServiceProvider _meterServices;
    private readonly System.Diagnostics.Metrics.IMeterFactory _meters;
    private readonly Resilience.ResilienceMetrics _resilienceMetrics;
    private readonly Resilience.InstanceHealthEvents _healthEvents;
    private readonly Resilience.ActiveHealthChecker _healthChecker;
    private readonly DeployerSet _deployer;
    private readonly ReloadReconciler _reconciler;
    private readonly Deployers.Kubernetes.KubernetesDeployer _kubernetes;
    private readonly ReloadReconciler _kubernetesReconciler;
    private readonly Rollouts.RolloutController _rollouts;
    private ConfigFileWatcher? _watcher;
    private readonly Balancing.InstanceMetricsScraper _scraper;
    private readonly SqliteStore _store;
    private readonly AuditWriter _audit;
    private readonly Admission.AdmissionGate _admission;
    private readonly CredentialAuthenticator _authenticator;
    private readonly Limits.LimitRegistry _limits;
    private Limits.LimitBackends? _limitBackends;
    private readonly IdentityMetrics _identityMetrics;
    private readonly Limits.SpendLedger _spend;
    private readonly TelemetryProviders _telemetry;
    private readonly GatewayMetrics _metrics;
    private readonly Caching.ResponseCaches _caches;
    private readonly AccessLogWriter _accessLog;
    private readonly AlertMeasurements _alertMeasurements;
    private readonly AlertEvaluator _alerts;
    private readonly System.Diagnostics.Metrics.Meter _alertsMeter;
    private readonly SecurityState _security;
    private readonly SecurityMetrics _securityMetrics;
    private readonly ConfigHistory _configHistory;
    private readonly Dashboard.FleetMeasurements _fleetMeasurements;

    // Started in this order at the end of StartAsync; stopped in reverse when the host is disposed, so they keep
    // watching the fleet while it drains.
    private readonly ControlLoop[] _loops;

    private AigisHost(AigisConfig config, AigisHostOptions options)
    {
        _options = options;
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;

        // Every meter of this host comes from its own factory (scoped to it, disposed with it): a test process runs
        // several gateways, and each one's /metrics must show its own instruments only.
        _meterServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _meters = _meterServices.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        _resilienceMetrics = new Resilience.ResilienceMetrics(_meters);
        _identityMetrics = new IdentityMetrics(_meters);
        _securityMetrics = new SecurityMetrics(_meters);
        _alertsMeter = _meters.Create(AlertEvaluator.MeterName, "1.0");
        State = new GatewayState(config, options.TimeProvider, new LoadBalancingPolicyFactory(options.TimeProvider, options.RandomFactory));
        _drain = new Shutdown.ShutdownDrain(options.TimeProvider);
        _invokers = new UpstreamInvokers(_drain);
        _deadlines = new UpstreamDeadlines(options.TimeProvider, _drain);
        _healthEvents = new Resilience.InstanceHealthEvents(_resilienceMetrics, options.TimeProvider, loggerFactory.CreateLogger<Resilience.InstanceHealthEvents>());
        _store = new SqliteStore(config.Store.Path);
        _audit = new AuditWriter(_store, loggerFactory.CreateLogger("Aigis.Audit"));
        Directory = new TenantDirectory(_store, options.TimeProvider, loggerFactory.CreateLogger("Aigis.Tenants"));
        var keyCache = new ApiKeyCache(options.TimeProvider, tenantOf: Directory.Definition);
        Directory.Changed += keyCache.InvalidateAll;
        var jwt = config.Jwt is { } jwtConfig ? new JwtAuthenticator(jwtConfig, Directory, options.TimeProvider) : null;
        _authenticator = new CredentialAuthenticator(new ApiKeyAuthenticator(_store, keyCache, options.TimeProvider), jwt);
        Keys = new ApiKeyService(_store, keyCache, _audit, options.TimeProvider);
        Tenants = new TenantService(_store, _store, Directory, keyCache, _audit, options.TimeProvider);
        _spend = new Limits.SpendLedger(options.TimeProvider);
        _limits = new Limits.LimitRegistry(options.TimeProvider);
        Usage = new Limits.UsageWriter(_store, loggerFactory.CreateLogger("Aigis.Usage"));
        var processes = new ProcessDeployer(State, options.ProcessDeployer, options.TimeProvider, loggerFactory);
        _deployer = new DeployerSet(
        [
            processes,
            new Deployers.Docker.DockerDeployer(
                State,
                options.DockerDeployer ?? new Deployers.Docker.DockerDeployerOptions { Identity = Deployers.Docker.DockerDeployerOptions.IdentityForStore(config.Store.Path) },
                config.Docker.EffectiveHost(Environment.GetEnvironmentVariable("DOCKER_HOST")),
                options.TimeProvider,
                loggerFactory),
        ]);

        // Rollouts run on the process runtime so far (IRolloutRuntime is the seam the others implement).
        _rollouts = new Rollouts.RolloutController(State, [new ProcessRolloutRuntime(processes)], _store, _audit,
            ct => _deployer.ReconcileAsync(_rollouts!.Effective(State.Config), ct), options.TimeProvider, loggerFactory.CreateLogger("Aigis.Rollouts"));
        _reconciler = new ReloadReconciler(_deployer, _rollouts.Effective);
        State.ConfigApplied += _reconciler.OnConfigApplied;
        _kubernetes = new Deployers.Kubernetes.KubernetesDeployer(State, options.KubernetesDeployer, options.KubernetesConnect, options.TimeProvider, loggerFactory);
        _kubernetesReconciler = new ReloadReconciler(_kubernetes, static config => config);
        State.ConfigApplied += _kubernetesReconciler.OnConfigApplied;
        _admission = new Admission.AdmissionGate(State, options.TimeProvider, loggerFactory.CreateLogger("Aigis.Admission"), _meters);
        _drain.Cut.Register(_admission.ShedQueued);
        _metrics = new GatewayMetrics(State, () => [.. _deployer.Replicas, .. _kubernetes.Replicas], options.TimeProvider, _meters);
        _caches = new Caching.ResponseCaches(options.TimeProvider);
        _caches.Observe(_metrics.Meter);
        _telemetry = TelemetryProviders.Create(config.Telemetry, BelongsToOtherHost);
        _accessLog = new AccessLogWriter(
            config.Telemetry.AccessLog == TelemetryConfig.Off ? null : JsonLineSink.Open(config.Telemetry.AccessLog, options.StandardOutput), options.TimeProvider);
        _alertMeasurements = new AlertMeasurements(config.Alerts.EffectiveRules(), options.TimeProvider, i => !BelongsToOtherHost(i));
        var notifier = new AlertNotifier(config.Alerts.Webhooks, _store, new ControlPlaneRemediator(State, _deployer, options.TimeProvider, new Resilience.OutlierEjector(State, _healthEvents)), options.TimeProvider, loggerFactory.CreateLogger("Aigis.Alerts"));
        _alerts = new AlertEvaluator(config.Alerts, _alertMeasurements, notifier, _alertsMeter, options.TimeProvider, loggerFactory.CreateLogger("Aigis.Alerts"));
        _healthChecker = new Resilience.ActiveHealthChecker(State, _healthEvents, options.TimeProvider);
        _scraper = new Balancing.InstanceMetricsScraper(State, options.TimeProvider, loggerFactory.CreateLogger("Aigis.Balancing"));
        _loops = [notifier, _alerts, _healthChecker, _scraper];
        _security = new SecurityState(State, new InMemoryBanList(() => State.Config.Security.Bans, options.TimeProvider), _securityMetrics);
        _configHistory = new ConfigHistory(options.ConfigPath, options.TimeProvider);
        _fleetMeasurements = new Dashboard.FleetMeasurements(_metrics, State);
        Fleet = new Dashboard.FleetHistory(State, _fleetMeasurements, _alerts, options.TimeProvider);
        _public = BuildPublic(config, loggerFactory);
        _admin = BuildAdmin(config, loggerFactory);
    }

    public GatewayState State { get; }

    /// <summary>The pool of upstream deadlines (what the request path keeps between requests).</summary>
    internal UpstreamDeadlines Deadlines => _deadlines;

    /// <summary>Where instance health changes are decided, logged and counted.</summary>
    internal Resilience.InstanceHealthEvents HealthEvents => _healthEvents;

    /// <summary>The replicas of <c>runtime: process</c> and <c>runtime: docker</c> services.</summary>
    public IDeployer Deployer => _deployer;

    /// <summary>The pods of <c>runtime: kubernetes</c> services.</summary>
    public IDeployer KubernetesDeployer => _kubernetes;

    /// <summary>Rollouts: running ones, and the versions they put in place over the config file.</summary>
    internal Rollouts.RolloutController Rollouts => _rollouts;

    /// <summary>The bound public URL (with the real port when the config asked for port 0).</summary>
    public Uri PublicUrl { get; private set; } = null!;

    public Uri AdminUrl { get; private set; } = null!;

    /// <summary>Raised after each hot-reload attempt; null until started with a config path.</summary>
    public ConfigFileWatcher? Watcher => _watcher;

    /// <summary>Creates, revokes and rotates API keys (what the admin API and the first start use).</summary>
    public ApiKeyService Keys { get; }

    /// <summary>Creates, changes and deletes tenants.</summary>
    public TenantService Tenants { get; }

    /// <summary>Every tenant, compiled for the request path.</summary>
    internal TenantDirectory Directory { get; }

    /// <summary>Writes usage and spend to the store in batches; flush it to read what was just charged.</summary>
    internal Limits.UsageWriter Usage { get; }

    /// <summary>The identity and limits counters (meter <c>Aigis.Identity</c>).</summary>
    internal IdentityMetrics Metrics => _identityMetrics;

    /// <summary>The database file of the store.</summary>
    public string StorePath => _store.FilePath;

    /// <summary>The access log; flush it to read the lines of requests that have ended.</summary>
    internal AccessLogWriter AccessLog => _accessLog;

    /// <summary>Every service's exact cache and its requests in flight.</summary>
    internal Caching.ResponseCaches Caches => _caches;

    /// <summary>The alert rules' evaluator (current alerts; tests evaluate on demand).</summary>
    internal AlertEvaluator Alerts => _alerts;

    /// <summary>The fleet's recent history that the dashboard streams.</summary>
    internal Dashboard.FleetHistory Fleet { get; }

    /// <summary>The admin listener's routes (for the OpenAPI coverage test).</summary>
    internal Microsoft.AspNetCore.Routing.EndpointDataSource AdminRoutes { get; private set; } = null!;

    /// <summary>The audit log's writer; flush it to read what was just decided.</summary>
    internal AuditWriter Audit => _audit;

    public static AigisHost Create(AigisConfig config, AigisHostOptions options) => new(config, options);

    /// <summary>
    /// Makes the first admin key if this store never had one, and returns it (to print once); null on every
    /// later start with the same store.
    /// </summary>
    public Task<CreatedKey?> BootstrapAdminKeyAsync(CancellationToken cancellationToken) =>
        Keys.CreateOnceAsync(ApiKeyService.BootstrapAdminPurpose, new KeySpec("bootstrap-admin", KeySpec.DefaultTenant, KeyRole.Admin), cancellationToken);

    /// <summary>
    /// Opens the store (applying its migrations), binds both listeners, then starts the replicas of process services and waits until each has passed its
    /// first health check or failed its first start; only then does the gateway report ready.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The store before the listeners: the first request may need a key from it.
        await _store.MigrateAsync(SqliteMigrations.All, _options.TimeProvider, cancellationToken);
        await Directory.ReloadAsync(cancellationToken);
        await _rollouts.LoadAsync(cancellationToken);
        await _spend.LoadAsync(_store, cancellationToken);
        _limitBackends = await Limits.LimitBackends.CreateAsync(State.Config.State, _limits, _identityMetrics, _options.TimeProvider,
            _options.LoggerFactory ?? NullLoggerFactory.Instance);
        _audit.Start();
        Usage.Start();
        await _admin.StartAsync(cancellationToken);
        AdminUrl = BoundUrl(_admin);
        await _public.StartAsync(cancellationToken);
        PublicUrl = BoundUrl(_public);

        // Listeners first: a taken port fails the start before any replica is launched for nothing.
        await _deployer.ReconcileAsync(_rollouts.Effective(State.Config), cancellationToken);
        await _kubernetes.ReconcileAsync(State.Config, cancellationToken);
        if (_options.ConfigPath is { } path)
        {
            _watcher = new ConfigFileWatcher(path, _options.Overrides, State, _options.TimeProvider,
                (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Aigis.Config"));
            _watcher.Reloaded += _configHistory.OnReloaded;
        }

        // The control plane's loops last: they watch what the listeners and the deployer have just brought up.
        foreach (var loop in _loops)
        {
            await loop.StartAsync(cancellationToken);
        }

        State.IsReady = true;
    }

    /// <summary>How long shutdown drains: the host option when set (tests), else <c>gateway.shutdownTimeout</c> as loaded now.</summary>
    public TimeSpan ShutdownTimeout => _options.ShutdownTimeout ?? State.Config.Gateway.ShutdownTimeout;

    /// <summary>
    /// Stops taking new requests and lets in-flight requests and streams finish until the shutdown timeout; just
    /// before it, cuts what is left so nothing looks like a clean finish (<see cref="Shutdown.ShutdownDrain"/>), and at
    /// it aborts what still runs. Then stops the replicas (after the requests they were serving) and the admin listener.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1)
        {
            // Stopped already (a test stops, then disposes): the drain has run its course.
            return;
        }

        State.IsReady = false;
        _watcher?.Dispose();
        var timeout = ShutdownTimeout;
        _drain.Begin(timeout);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _public.StopAsync(deadline.Token);
        }
        finally
        {
            // Whatever happened to the drain, the replicas are stopped before aigis goes; rollouts first, recorded as aborted.
            await _rollouts.StopAsync();
            await _deployer.StopAsync();
            await _reconciler.WaitAsync();
            await _kubernetes.StopAsync();
            await _kubernetesReconciler.WaitAsync();
        }

        await _admin.StopAsync(cancellationToken);

        // Last: every refusal, admin call and charge made while the listeners drained is written before aigis exits.
        await Usage.StopAsync();
        await _audit.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // Reverse order of start: the loops that feed others go last (alerts before the notifier they publish to).
        foreach (var loop in _loops.Reverse())
        {
            await loop.DisposeAsync();
        }

        State.ConfigApplied -= _reconciler.OnConfigApplied;
        _watcher?.Dispose();
        await _public.DisposeAsync();
        await _rollouts.DisposeAsync();
        await _deployer.DisposeAsync();
        await _reconciler.WaitAsync();
        State.ConfigApplied -= _kubernetesReconciler.OnConfigApplied;
        await _kubernetes.StopAsync();
        await _kubernetesReconciler.WaitAsync();
        await _kubernetes.DisposeAsync();
        await _admin.DisposeAsync();
        await Usage.DisposeAsync();
        await _audit.DisposeAsync();
        Fleet.Dispose();
        _fleetMeasurements.Dispose();
        _invokers.Dispose();
        _deadlines.Dispose();
        _drain.Dispose();
        await _accessLog.DisposeAsync();
        if (_limitBackends is not null)
        {
            await _limitBackends.DisposeAsync();
        }
        _alertMeasurements.Dispose();
        _telemetry.Dispose();
        await _meterServices.DisposeAsync();
    }

    /// <summary>An instrument on a per-host meter that is not this host's.</summary>
    private bool BelongsToOtherHost(System.Diagnostics.Metrics.Instrument instrument) =>
        instrument.Meter.Scope is System.Diagnostics.Metrics.IMeterFactory scope && !ReferenceEquals(scope, _meters);

    private static bool IsMetricsPath(Microsoft.AspNetCore.Http.HttpContext context) => context.Request.Path.Value is "/metrics";

    private static Uri BoundUrl(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }
}
