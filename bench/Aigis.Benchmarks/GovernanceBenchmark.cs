using System.Text;
using Aigis.Core.Balancing;
using Aigis.Core.Configuration;
using Aigis.Core.Identity;
using Aigis.Hosting;
using Aigis.Identity;
using Aigis.Limits;
using Aigis.Pipeline;
using Aigis.Store;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aigis.Benchmarks;

/// <summary>
/// What the governance stages cost one request with a 2 KB chat body, in process, with no network: the real
/// middlewares in pipeline order on a fresh <see cref="DefaultHttpContext"/> each time, ending in a stage that
/// does nothing (no routing, no upstream). The key is in the cache, as it is on every request after a key's
/// first. <see cref="ContextOnly"/> is the cost of the context and body themselves, to subtract.
/// </summary>
[MemoryDiagnoser]
public class GovernanceBenchmark
{
    private byte[] _body = [];
    private byte[] _plainBody = [];
    private string _authorization = "";
    private string _plainAuthorization = "";
    private RequestDelegate _contextOnly = null!;
    private RequestDelegate _authentication = null!;
    private RequestDelegate _authorizationStage = null!;
    private RequestDelegate _all = null!;
    private UsageWriter _usage = null!;
    private AuditWriter _audit = null!;

    [GlobalSetup]
    public void Setup()
    {
        var prompt = new StringBuilder();
        var random = new Random(7);
        while (prompt.Length < 1850)
        {
            prompt.Append("word").Append(random.Next(1000)).Append(' ');
        }

        _body = Encoding.UTF8.GetBytes($$"""{"model":"m","messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"{{prompt}}"}],"max_tokens":256}""");
        _plainBody = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(_body).Replace("\"model\":\"m\"", "\"model\":\"p\"", StringComparison.Ordinal));
        var time = TimeProvider.System;
        var config = new AigisConfig
        {
            Services = [new ServiceConfig { Name = "chat", Kind = ServiceKind.Llm, Models = ["m", "p"], Instances = [new InstanceConfig { Id = "a", Url = new Uri("http://127.0.0.1:1") }] }],
            Usage = new UsageConfig { Models = [new ModelUsageRule("m", TokenEncoding.Cl100k, 1_000_000, 2_000_000)] },
        };
        var state = new GatewayState(config, time, new LoadBalancingPolicyFactory(time, () => new Random(2)));
        var generated = ApiKeyFormat.Generate();
        var tenant = new TenantDefinition
        {
            Name = "acme",
            Models = ["m", "gpt-*"],
            Services = ["chat"],
            Limits = new TenantLimits { RequestsPerMinute = long.MaxValue / 4, TokensPerMinute = long.MaxValue / 4, TokensPerDay = long.MaxValue / 4, ConcurrentRequests = 1000 },
            KeyLimits = new TenantLimits { RequestsPerMinute = long.MaxValue / 4, ConcurrentRequests = 100 },
            Budget = new TenantBudget(long.MaxValue / 4, BudgetPeriod.Month),
        };
        // A second tenant with request and concurrency limits only: nothing needs the prompt counted.
        var plain = new TenantDefinition
        {
            Name = "plain",
            Models = ["p"],
            Limits = new TenantLimits { RequestsPerMinute = long.MaxValue / 4, ConcurrentRequests = 1000 },
            KeyLimits = new TenantLimits { RequestsPerMinute = long.MaxValue / 4, ConcurrentRequests = 100 },
        };
        var plainKey = ApiKeyFormat.Generate();
        var store = new BenchStore(
            [
                new StoredApiKey { Id = generated.Id, SecretHash = generated.Hash, Name = "bench", Tenant = "acme", Role = KeyRole.User, CreatedAt = time.GetUtcNow(), CreatedBy = "bench" },
                new StoredApiKey { Id = plainKey.Id, SecretHash = plainKey.Hash, Name = "plain", Tenant = "plain", Role = KeyRole.User, CreatedAt = time.GetUtcNow(), CreatedBy = "bench" },
            ],
            [new StoredTenant(tenant, time.GetUtcNow(), time.GetUtcNow(), "bench"), new StoredTenant(plain, time.GetUtcNow(), time.GetUtcNow(), "bench")]);
        var directory = new TenantDirectory(store, time, NullLogger.Instance);
        directory.ReloadAsync(CancellationToken.None).GetAwaiter().GetResult();
        var cache = new ApiKeyCache(time, tenantOf: directory.Definition);
        var authenticator = new CredentialAuthenticator(new ApiKeyAuthenticator(store, cache, time), null);
        _audit = new AuditWriter(store, NullLogger.Instance);
        _audit.Start();
        _usage = new UsageWriter(store, NullLogger.Instance);
        _usage.Start();
        _authorization = "Bearer " + generated.Key;
        _plainAuthorization = "Bearer " + plainKey.Key;

        RequestDelegate terminal = static context =>
        {
            // As if forwarded, so the budget stage charges the request.
            context.Record().Attempts = 1;
            return Task.CompletedTask;
        };
        var metrics = new IdentityMetrics(BenchMeters.NewFactory());
        var registry = new LimitRegistry(time);
        var rate = new RateLimitMiddleware(terminal, registry, new LocalLimitBackend(registry), _audit, metrics, time);
        var budget = new BudgetMiddleware(rate.InvokeAsync, new SpendLedger(time), _usage, _audit, metrics, time);
        var counting = new TokenCountingMiddleware(budget.InvokeAsync);
        var authorization = new AuthorizationMiddleware(counting.InvokeAsync, directory, _audit, metrics, time);

        // As on the public listener: the request resolved once, the body read once after authentication.
        RequestDelegate Resolved(RequestDelegate authenticated) =>
            new RequestResolutionMiddleware(new AuthenticationMiddleware(new ModelBodyMiddleware(authenticated).InvokeAsync, state, authenticator, _audit, metrics, time).InvokeAsync, state).InvokeAsync;
        _all = Resolved(authorization.InvokeAsync);
        _authorizationStage = Resolved(new AuthorizationMiddleware(terminal, directory, _audit, metrics, time).InvokeAsync);
        _authentication = new RequestResolutionMiddleware(new AuthenticationMiddleware(terminal, state, authenticator, _audit, metrics, time).InvokeAsync, state).InvokeAsync;
        _contextOnly = terminal;

        // Warm: the key into the cache, the tokenizer loaded.
        All().GetAwaiter().GetResult();
        AllWithoutTokenCount().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _usage.StopAsync().GetAwaiter().GetResult();
        _audit.StopAsync().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task ContextOnly() => Run(_contextOnly);

    [Benchmark]
    public Task Authentication() => Run(_authentication);

    [Benchmark]
    public Task AuthenticationAndAuthorization() => Run(_authorizationStage);

    /// <summary>Authentication, authorization (reads the body), prompt token counting, budget and rate limits.</summary>
    [Benchmark]
    public Task All() => Run(_all);

    /// <summary>All the stages for a tenant with request and concurrency limits only, on a model without a price: the prompt is not counted.</summary>
    [Benchmark]
    public Task AllWithoutTokenCount() => Run(_all, _plainAuthorization, _plainBody);

    /// <summary>Counting the prompt's tokens alone (cl100k), the part of <see cref="All"/> that grows with the prompt.</summary>
    [Benchmark]
    public int PromptTokensOnly() => Core.Tokens.PromptTokens.Count(_body, Core.Tokens.TokenCounter.For(TokenEncoding.Cl100k));

    /// <summary>The same with the fast estimate (UTF-8 bytes / 4), for models the config marks <c>encoding: estimate</c>.</summary>
    [Benchmark]
    public int PromptTokensEstimate() => Core.Tokens.PromptTokens.Count(_body, Core.Tokens.TokenCounter.For(TokenEncoding.Estimate));

    private async Task Run(RequestDelegate pipeline, string? authorization = null, byte[]? body = null)
    {
        body ??= _body;
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v1/chat/completions";
        context.Request.Headers.Authorization = authorization ?? _authorization;
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body, writable: false);
        await pipeline(context);
        if (context.Response.StatusCode != 200)
        {
            throw new InvalidOperationException($"refused with {context.Response.StatusCode}");
        }

        // The pooled body goes back as it would at the end of a real response.
        context.Features.Get<ModelRequest>()?.Dispose();
    }

    private sealed class BenchStore(StoredApiKey[] keys, StoredTenant[] tenants) : IKeyStore, ITenantStore, IAuditStore, IUsageStore
    {
        public Task<StoredApiKey?> FindKeyAsync(string id, CancellationToken cancellationToken) => Task.FromResult(keys.FirstOrDefault(k => k.Id == id));

        public Task<IReadOnlyList<StoredTenant>> ListTenantsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<StoredTenant>>(tenants);

        public Task AppendAuditAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task AddUsageAsync(IReadOnlyCollection<UsageTotals> totals, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<bool> InsertKeyAsync(StoredApiKey key, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> InsertKeyOnceAsync(string purpose, StoredApiKey key, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<StoredApiKey?> FindKeyForPurposeAsync(string purpose, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredApiKey>> ListKeysAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> RotateKeyAsync(string oldId, DateTimeOffset oldKeyExpiresAt, StoredApiKey replacement, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> InsertTenantAsync(StoredTenant tenant, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> UpdateTenantAsync(StoredTenant tenant, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<StoredTenant?> FindTenantAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<TenantDeletion> DeleteTenantAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<AuditEvent>> ReadAuditAsync(DateTimeOffset? since, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<UsageTotals>> ReadUsageAsync(DateTimeOffset since, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
