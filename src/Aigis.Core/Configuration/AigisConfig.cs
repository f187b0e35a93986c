namespace Aigis.Core.Configuration;

/// <summary>The whole validated configuration. Immutable: a reload builds a new one.</summary>
public sealed record AigisConfig
{
    public GatewayConfig Gateway { get; init; } = new();

    public StoreConfig Store { get; init; } = new();

    /// <summary>Where limits replicas share are kept (the <c>state</c> section).</summary>
    public StateConfig State { get; init; } = new();

    /// <summary>Token counting and prices per model (the <c>usage</c> section).</summary>
    public UsageConfig Usage { get; init; } = new();

    /// <summary>JWT bearer tokens (the <c>jwt</c> section); null: API keys only.</summary>
    public JwtConfig? Jwt { get; init; }

    public IReadOnlyList<ServiceConfig> Services { get; init; } = [];

    public TelemetryConfig Telemetry { get; init; } = new();

    public AlertsConfig Alerts { get; init; } = new();

    public SecurityConfig Security { get; init; } = new();

    /// <summary>The engine <c>runtime: docker</c> services run on (the <c>docker</c> section).</summary>
    public DockerEngineConfig Docker { get; init; } = new();
}

/// <summary>The <c>gateway</c> section: listeners and request bounds.</summary>
public sealed record GatewayConfig
{
    public static readonly Uri DefaultListen = new("http://127.0.0.1:8080");
    public static readonly Uri DefaultAdmin = new("http://127.0.0.1:8081");
    public const long DefaultMaxBodySize = 4 * 1024 * 1024;

    /// <summary>The public listener: model APIs only.</summary>
    public Uri Listen { get; init; } = DefaultListen;

    /// <summary>The admin listener: admin API, metrics, health probes. Never the same as <see cref="Listen"/>.</summary>
    public Uri Admin { get; init; } = DefaultAdmin;

    /// <summary>Largest request body accepted, in bytes; larger ones get 413 before they are read.</summary>
    public long MaxBodySize { get; init; } = DefaultMaxBodySize;

    /// <summary>Whether the public listener asks callers for a credential. Applies live on reload.</summary>
    public AuthMode Auth { get; init; } = AuthMode.Required;

    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long shutdown lets in-flight requests and streams finish; what is left just before it is cut (503, or an
    /// error event for a stream). Read when shutdown begins, so a reload applies.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;
}

public enum AuthMode
{
    /// <summary>Every request on the public listener needs a valid API key (the default).</summary>
    Required,

    /// <summary>
    /// The public listener serves anyone (for local experiments and tests with no keys). The admin listener
    /// still needs an admin key: this switch never opens it.
    /// </summary>
    Disabled,
}

/// <summary>The <c>store</c> section: where durable state (keys, audit log) lives.</summary>
public sealed record StoreConfig
{
    public const string DefaultPath = "./.aigis/aigis.db";

    /// <summary>
    /// The SQLite database file, relative to the directory aigis runs in. Never <c>:memory:</c>: keys must
    /// survive a restart. Needs a restart to change.
    /// </summary>
    public string Path { get; init; } = DefaultPath;
}

public enum ServiceKind
{
    /// <summary>An OpenAI-compatible model server, routed by the body's <c>model</c>.</summary>
    Llm,

    /// <summary>Any HTTP model API, reached at <c>/svc/{name}/...</c>.</summary>
    Http,
}

public enum RuntimeKind
{
    /// <summary>Instances someone else runs; Aigis only routes to them.</summary>
    Static,

    /// <summary>Replicas Aigis runs as local child processes, supervised and restarted; see <see cref="ProcessConfig"/>.</summary>
    Process,

    /// <summary>Replicas Aigis runs as containers on a Docker engine (host networking, loopback ports).</summary>
    Docker,

    /// <summary>Replicas run by Kubernetes as a Deployment Aigis applies; the gateway routes to the pods it discovers.</summary>
    Kubernetes,
}

/// <summary>One model service behind the gateway.</summary>
public sealed record ServiceConfig
{
    public required string Name { get; init; }

    public ServiceKind Kind { get; init; } = ServiceKind.Http;

    /// <summary>Model names an <see cref="ServiceKind.Llm"/> service answers to.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Name of the load-balancing policy.</summary>
    public string Balancer { get; init; } = "round-robin";

    /// <summary>The policy's parameters.</summary>
    public Balancing.BalancingOptions Balancing { get; init; } = new();

    public RuntimeKind Runtime { get; init; } = RuntimeKind.Static;

    /// <summary>
    /// The instances of a <see cref="RuntimeKind.Static"/> service. Empty for other runtimes: their deployer
    /// publishes the replicas it runs instead.
    /// </summary>
    public IReadOnlyList<InstanceConfig> Instances { get; init; } = [];

    /// <summary>How to run the replicas of a <see cref="RuntimeKind.Process"/> service; null for other runtimes.</summary>
    public ProcessConfig? Process { get; init; }

    /// <summary>How to run the pods of a <see cref="RuntimeKind.Kubernetes"/> service; null for other runtimes.</summary>
    public KubernetesConfig? Kubernetes { get; init; }

    /// <summary>How to run the containers of a <see cref="RuntimeKind.Docker"/> service; null for other runtimes.</summary>
    public DockerConfig? Docker { get; init; }

    public TimeoutsConfig Timeouts { get; init; } = new();

    /// <summary>Adaptive concurrency per instance and the queue before it; off by default.</summary>
    public Admission.AdmissionOptions Admission { get; init; } = new();

    /// <summary>The exact response cache and coalescing of identical requests in flight; off by default.</summary>
    public Caching.ResponseCacheOptions Cache { get; init; } = new();

    /// <summary>What one replica needs (CPU, memory, GPUs); placement and the container runtimes read it. Empty by default.</summary>
    public ResourcesConfig Resources { get; init; } = new();

    /// <summary>Active health checks; null when the service is not probed (passive health still applies).</summary>
    public Resilience.HealthCheckOptions? Health { get; init; }

    public Resilience.OutlierDetectionOptions OutlierDetection { get; init; } = new();

    public Resilience.CircuitBreakerOptions CircuitBreaker { get; init; } = new();

    public Resilience.RetryOptions Retries { get; init; } = new();

    /// <summary>Services tried in order when this one has no healthy instance, is shedding, or fails retryably.</summary>
    public IReadOnlyList<string> Fallback { get; init; } = [];

    /// <summary>How a new version replaces the replicas (<c>aigis deploy</c>) and how each new replica is judged.</summary>
    public Rollouts.RolloutOptions Rollout { get; init; } = new();
}

/// <summary>One upstream replica of a service.</summary>
public sealed record InstanceConfig
{
    /// <summary>Stable identity within the service; defaults to the URL's <c>host:port</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Base URL; the request path is appended to it.</summary>
    public required Uri Url { get; init; }

    /// <summary>
    /// The share of the service's requests this instance takes, from 0 to 1, when a deployer sets one (a rollout's
    /// canary); null (every static instance) for an equal part of what the others leave.
    /// </summary>
    public double? TrafficShare { get; init; }
}

/// <summary>Upstream timeouts of a service.</summary>
public sealed record TimeoutsConfig
{
    public static readonly TimeSpan DefaultConnect = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultIdle = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultFirstByte = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultTotal = TimeSpan.FromMinutes(10);

    /// <summary>Longest wait for a TCP connection to an instance; past it the request fails with 502.</summary>
    public TimeSpan Connect { get; init; } = DefaultConnect;

    /// <summary>
    /// Longest the upstream may stay silent between body chunks once its answer began; past it a started
    /// stream ends with an error event.
    /// </summary>
    public TimeSpan Idle { get; init; } = DefaultIdle;

    /// <summary>
    /// Longest wait from sending a request to the first byte of the answer's body (for a stream, its first event;
    /// for a plain answer, the whole generation). Past it the attempt fails with 504 or is retried.
    /// </summary>
    public TimeSpan FirstByte { get; init; } = DefaultFirstByte;

    /// <summary>Longest a request may spend upstream in all, retries and the whole stream included.</summary>
    public TimeSpan Total { get; init; } = DefaultTotal;
}
