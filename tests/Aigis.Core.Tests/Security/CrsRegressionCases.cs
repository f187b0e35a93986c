using System.Text;
using System.Text.Json;
using Aigis.Core.Security.Inspection;

namespace Aigis.Core.Tests.Security;

/// <summary>One stage of an OWASP CRS regression test, as in shared/data/crs-regression.jsonl (see its README).</summary>
internal sealed record CrsCase(string Id, string Family, string Rule, string Method, string Uri, string Version, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Body, bool Attack, int Paranoia)
{
    /// <summary>Inspects the case as the gateway inspects a request to a generic service.</summary>
    public ScoreCard Inspect(RuleSet rules)
    {
        var card = new ScoreCard();
        WebRequestInspector.InspectTarget(rules, Method, Uri, card);
        string? contentType = null;
        var protocol = new Aigis.Core.Security.Protocol.ProtocolFacts();
        var hasLength = false;
        foreach (var (name, value) in Headers)
        {
            WebRequestInspector.InspectHeader(rules, name, value, card);
            protocol.Observe(rules, name, value, card);
            hasLength |= name.Equals("content-length", StringComparison.OrdinalIgnoreCase) || name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase);
            if (name.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
        }

        // go-ftw adds a Content-Length to a body that has none: a body arrives either way.
        protocol.Finish(rules, Method, Version, bodyWithoutLength: !hasLength && !string.IsNullOrEmpty(Body), card);
        if (Body is not null)
        {
            // go-ftw sends a body without a content type as a form, and percent-encodes a form that is not
            // encoded already (see the data README): reproduce what went over the wire.
            var body = Body;
            if (contentType is null || contentType == "application/x-www-form-urlencoded")
            {
                body = EncodeFormLikeGoFtw(body);
            }

            WebRequestInspector.InspectBody(rules, Encoding.UTF8.GetBytes(body), contentType, card);
        }

        return card;
    }

    private static string EncodeFormLikeGoFtw(string body)
    {
        if (System.Text.RegularExpressions.Regex.IsMatch(body, "%[0-9a-fA-F]{2}"))
        {
            return body;
        }

        return string.Join('&', body.Split('&').Select(pair =>
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            return equals < 0 ? System.Uri.EscapeDataString(pair) : System.Uri.EscapeDataString(pair[..equals]) + "=" + System.Uri.EscapeDataString(pair[(equals + 1)..]);
        }));
    }

    public static IReadOnlyList<CrsCase> Load()
    {
        var path = DataFile();
        var cases = new List<CrsCase>();
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var headers = root.GetProperty("headers").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString() ?? "")).ToArray();
            cases.Add(new CrsCase(
                root.GetProperty("id").GetString()!,
                root.GetProperty("family").GetString()!,
                root.GetProperty("rule").GetString()!,
                root.GetProperty("method").GetString() ?? "GET",
                root.GetProperty("uri").GetString() ?? "/",
                root.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String ? version.GetString()! : "HTTP/1.1",
                headers,
                root.GetProperty("body").ValueKind == JsonValueKind.String ? root.GetProperty("body").GetString() : null,
                root.GetProperty("expect").GetString() == "attack",
                root.GetProperty("paranoia_level").GetInt32()));
        }

        return cases;
    }

    /// <summary>A copy of the shared data file, kept in the test project (see Security/data/README.md) and copied beside the tests.</summary>
    private static string DataFile()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Security", "data", "crs-regression.jsonl");
        Assert.True(File.Exists(path), $"crs-regression.jsonl not found at {path}");
        return path;
    }
}
