using System.Net;
using System.Text;
using Aigis.Core.Configuration;
using Aigis.Core.Security.Bans;
using Aigis.Core.Security.Firewall;
using Aigis.Core.Security.Inspection;
using BenchmarkDotNet.Attributes;

namespace Aigis.Benchmarks;

/// <summary>
/// The security stages' work for one request, as the middlewares do it: resolve the client address (a trusted
/// proxy in front), check bans and CIDR lists, then score the request line, the headers and the body with the
/// shipped rules at paranoia 1. Cases: a 2 KB and a 64 KB chat body (prose with code in it), and a generic
/// <c>/svc/</c> GET with a 2 KB query string.
/// </summary>
[MemoryDiagnoser]
public class SecurityInspectionBenchmark
{
    private static readonly (string Name, string Value)[] s_headers =
    [
        ("Host", "gateway.example.com"), ("User-Agent", "OpenAI/Python 1.54.0"), ("Accept", "application/json"),
        ("Content-Type", "application/json"), ("X-Forwarded-For", "203.0.113.50, 10.1.0.7"), ("X-Stainless-Lang", "python"),
    ];

    private SecurityPolicy _policy = null!;
    private InMemoryBanList _bans = null!;
    private byte[] _chat2k = [];
    private byte[] _chat64k = [];
    private string _longQuery = "";

    [GlobalSetup]
    public void Setup()
    {
        var config = new SecurityConfig
        {
            Firewall = new FirewallConfig
            {
                TrustedProxies = [IPNetwork.Parse("10.0.0.0/8")],
                Public = new CidrLists { Deny = [IPNetwork.Parse("192.0.2.0/24")] },
            },
        };
        _policy = SecurityPolicy.Build(config).Policy;
        _bans = new InMemoryBanList(() => config.Bans, TimeProvider.System);
        _chat2k = ChatBody(2 * 1024);
        _chat64k = ChatBody(64 * 1024);
        var query = new StringBuilder("/svc/search/v1/find?");
        for (var i = 0; query.Length < 2048; i++)
        {
            query.Append("filter").Append(i).Append("=category%3Abooks%20AND%20year%3E2001&");
        }

        _longQuery = query.ToString();
    }

    private static byte[] ChatBody(int size)
    {
        const string Prose = "Please review this function and explain why the query is slow. We select the newest orders for each customer (about 40k rows) and join them to invoices; the index on created_at does not seem to be used. ";
        const string Code = "SELECT c.id, o.total FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.created_at > now() - interval '7 days'; ";
        var content = new StringBuilder();
        while (content.Length < size - 200)
        {
            content.Append(Prose).Append(Code);
        }

        var body = $$"""{"model":"llama-3-8b-instruct","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":{{System.Text.Json.JsonSerializer.Serialize(content.ToString())}}}],"temperature":0.2,"stream":true}""";
        return Encoding.UTF8.GetBytes(body);
    }

    private ScoreCard Front(string method, string target)
    {
        var firewall = _policy.Config.Firewall;
        var client = ClientAddressResolver.Resolve(IPAddress.Parse("10.1.0.7"), firewall.TrustedProxies, null, "203.0.113.50, 10.1.0.7");
        if (_bans.IsBanned(client, out _) || !CidrPolicy.Admits(firewall.Public, client))
        {
            throw new InvalidOperationException("refused");
        }

        var card = new ScoreCard();
        WebRequestInspector.InspectTarget(_policy.Rules, method, target, card);
        var protocol = new Aigis.Core.Security.Protocol.ProtocolFacts();
        foreach (var (name, value) in s_headers)
        {
            WebRequestInspector.InspectHeader(_policy.Rules, name, value, card);
            protocol.Observe(_policy.Rules, name, value, card);
        }

        protocol.Finish(_policy.Rules, method, "HTTP/1.1", bodyWithoutLength: false, card);
        return card;
    }

    [Benchmark]
    public IdsVerdict Chat2KB()
    {
        var card = Front("POST", "/v1/chat/completions");
        ModelBodyInspector.Inspect(_policy.Rules, _chat2k, card);
        return _policy.Decide(card);
    }

    [Benchmark]
    public IdsVerdict Chat64KB()
    {
        var card = Front("POST", "/v1/chat/completions");
        ModelBodyInspector.Inspect(_policy.Rules, _chat64k, card);
        return _policy.Decide(card);
    }

    [Benchmark]
    public IdsVerdict GenericLongQuery() => _policy.Decide(Front("GET", _longQuery));

    /// <summary>One short identifier value through the web-attack rules: the floor under every field and header.</summary>
    [Benchmark]
    public int ShortField()
    {
        var card = new ScoreCard();
        _policy.Rules.Scan(Aigis.Core.Security.Rules.RuleZone.ModelFields, "llama-3-8b-instruct", card);
        return card.WebScore;
    }
}
