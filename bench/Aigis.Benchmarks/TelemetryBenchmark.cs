using System.Diagnostics;
using Aigis.Core.Configuration;
using Aigis.Core.Balancing;
using Aigis.Hosting;
using Aigis.Pipeline;
using Aigis.Telemetry;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;

namespace Aigis.Benchmarks;

/// <summary>
/// What telemetry costs each request once it has ended: the metrics (with the OpenTelemetry SDK aggregating, as in
/// aigis) and the access-log line (formatted and queued; the sink writes to a null stream).
/// </summary>
[MemoryDiagnoser]
public class TelemetryBenchmark
{
    private GatewayMetrics _metrics = null!;
    private TelemetryProviders _providers = null!;
    private AccessLogWriter _accessLog = null!;
    private RequestRecord _record = null!;
    private DefaultHttpContext _context = null!;
    private Activity _activity = null!;

    [GlobalSetup]
    public void Setup()
    {
        var config = new AigisConfig { Services = [new ServiceConfig { Name = "chat", Kind = ServiceKind.Llm, Models = ["llama"], Instances = [new InstanceConfig { Id = "a", Url = new Uri("http://127.0.0.1:9001") }] }] };
        var state = new GatewayState(config, TimeProvider.System, new LoadBalancingPolicyFactory(TimeProvider.System, () => new Random(2)));
        _metrics = new GatewayMetrics(state, () => [], TimeProvider.System, BenchMeters.NewFactory());
        _providers = TelemetryProviders.Create(new TelemetryConfig(), _ => false);
        _accessLog = new AccessLogWriter(new JsonLineSink(Stream.Null, ownsStream: false), TimeProvider.System);
        _record = new RequestRecord(TimeProvider.System.GetTimestamp())
        {
            Tenant = "team-a", KeyId = "k1", Service = "chat", Model = "llama", InstanceId = "a", Attempts = 1,
            PromptTokens = 120, CompletionTokens = 40, Streamed = true, FirstByteAt = TimeProvider.System.GetTimestamp(),
        };
        _context = new DefaultHttpContext { TraceIdentifier = "01a212ab51057cc9b2458745be53e032" };
        _context.Request.Method = "POST";
        _context.Request.Path = "/v1/chat/completions";
        _context.Response.StatusCode = 200;
        _activity = new Activity("bench").SetIdFormat(ActivityIdFormat.W3C).Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _activity.Stop();
        _accessLog.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _providers.Dispose();
    }

    [Benchmark]
    public void RecordMetrics() => _metrics.RecordRequest(_record, GenAiOperation.Chat, 200, false, TimeProvider.System.GetTimestamp());

    [Benchmark]
    public void WriteAccessLogLine() => _accessLog.Write(_context, _record, _activity, 200, false, TimeProvider.System.GetTimestamp());
}
