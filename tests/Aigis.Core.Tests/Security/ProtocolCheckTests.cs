using Aigis.Core.Security.Inspection;
using Aigis.Core.Security.Protocol;

namespace Aigis.Core.Tests.Security;

/// <summary>Protocol checks over the whole header set (CRS 920/921): framing, method and body, version, media types.</summary>
public sealed class ProtocolCheckTests
{
    private static ScoreCard Check(string method, string version, params (string Name, string Value)[] headers)
    {
        var rules = SecurityTestRules.ParanoiaOne;
        var card = new ScoreCard();
        var facts = new ProtocolFacts();
        foreach (var (name, value) in headers)
        {
            facts.Observe(rules, name, value, card);
        }

        facts.Finish(rules, method, version, bodyWithoutLength: false, card);
        return card;
    }

    private static bool Blocked(ScoreCard card) => card.WebScore >= 5;

    [Fact]
    public void An_ordinary_post_passes() =>
        Assert.False(Blocked(Check("POST", "HTTP/1.1", ("Host", "127.0.0.1:8080"), ("Content-Type", "application/json; charset=utf-8"), ("Content-Length", "12"), ("Connection", "keep-alive"), ("Accept", "*/*"))));

    [Fact]
    public void Content_length_with_transfer_encoding_is_smuggling() =>
        Assert.True(Blocked(Check("POST", "HTTP/1.1", ("Host", "a"), ("Content-Length", "4"), ("Transfer-Encoding", "chunked"))));

    [Theory]
    [InlineData("chunked, chunked")]
    [InlineData("xchunked")]
    [InlineData("chunked\t")]
    [InlineData("identity")]
    public void A_transfer_encoding_other_than_plain_chunked_is_smuggling(string value) =>
        Assert.True(Blocked(Check("POST", "HTTP/1.1", ("Host", "a"), ("Transfer-Encoding", value))));

    [Theory]
    [InlineData("4, 5")]
    [InlineData("+4")]
    [InlineData("0x10")]
    public void A_malformed_content_length_is_smuggling(string value) =>
        Assert.True(Blocked(Check("POST", "HTTP/1.1", ("Host", "a"), ("Content-Length", value))));

    [Fact]
    public void Two_different_content_lengths_are_smuggling() =>
        Assert.True(Blocked(Check("POST", "HTTP/1.1", ("Host", "a"), ("Content-Length", "4"), ("Content-Length", "5"))));

    [Fact]
    public void A_get_with_a_body_is_refused() =>
        Assert.True(Blocked(Check("GET", "HTTP/1.1", ("Host", "a"), ("Content-Length", "7"))));

    [Theory]
    [InlineData("HTTP/4.0")]
    [InlineData("")]
    [InlineData("HTTP/0.9")]
    public void An_unknown_http_version_is_refused(string version) => Assert.True(Blocked(Check("GET", version, ("Host", "a"))));

    [Fact]
    public void A_line_break_in_a_header_value_is_header_injection() =>
        Assert.True(Blocked(Check("GET", "HTTP/1.1", ("Host", "a"), ("X-Note", "a\r\nSet-Cookie: x=1"))));

    [Theory]
    [InlineData("text/plain; charset=ibm037")]
    [InlineData("application/x-www-form-urlencoded; charset=utf-7")]
    [InlineData("application/json; charset=UTF-80")]
    [InlineData("text/xml; charset=utf-8; charset=ibm500")]
    public void Charsets_the_inspector_does_not_decode_are_refused(string contentType) =>
        Assert.True(Blocked(Check("POST", "HTTP/1.1", ("Host", "a"), ("Content-Type", contentType))));

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=\"UTF-8\"")]
    [InlineData("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW")]
    [InlineData("multipart/mixed; boundary=-----boundary_data:55780(123,45:667)+part")]
    [InlineData("application/x-www-form-urlencoded; charset='utf-8'")]
    [InlineData("image/png")]
    [InlineData("application/octet-stream")]
    public void Ordinary_content_types_pass(string contentType) =>
        Assert.False(Blocked(Check("POST", "HTTP/1.1", ("Host", "a"), ("Content-Type", contentType))));

    [Theory]
    [InlineData("my-new-content-type")]
    [InlineData("multipart/foo; boundary=0000")]
    [InlineData("text/xml; blah")]
    [InlineData("%{(#nike='multipart/form-data')}")]
    public void Malformed_or_unknown_content_types_are_refused(string contentType) =>
        Assert.True(Blocked(Check("POST", "HTTP/1.1", ("Host", "a"), ("Content-Type", contentType))));

    [Theory]
    [InlineData("close, X-Forwarded-For")]
    [InlineData("keep-alive, close")]
    [InlineData("close, close")]
    public void Connection_header_games_are_refused(string value) =>
        Assert.True(Blocked(Check("GET", "HTTP/1.1", ("Host", "a"), ("Connection", value))));

    [Theory]
    [InlineData("Upgrade, HTTP2-Settings")]
    [InlineData("keep-alive")]
    public void Ordinary_connection_headers_pass(string value) =>
        Assert.False(Blocked(Check("GET", "HTTP/1.1", ("Host", "a"), ("Connection", value))));

    [Fact]
    public void An_accept_charset_parameter_outside_the_allowed_ones_is_refused() =>
        Assert.True(Blocked(Check("GET", "HTTP/1.1", ("Host", "a"), ("Accept", "text/html; charset=CP1026"))));

    [Theory]
    [InlineData("/svc/x/a?q=%0d%0aSet-Cookie:%20session=evil")]
    [InlineData("/svc/x/a?q=x%E5%98%8A%E5%98%8DSet-Cookie:%20session=evil")] // U+560A U+560D truncate to LF CR
    [InlineData("/svc/x/a?q=x%0d%0a%0d%0aHTTP/1.1%20200%20OK")]
    [InlineData("/svc/x/a%0d%0aLocation:%20http://evil.example")]
    public void Line_breaks_that_split_responses_are_refused(string target) =>
        Assert.True(SecurityTestRules.Get(target).WebScore >= 5, SecurityTestRules.Get(target).RuleIds(false));
}

/// <summary>Code rules are switched off by id like pattern rules.</summary>
public sealed class CodeRuleConfigTests
{
    [Fact]
    public void A_code_rule_listed_in_disabled_rules_does_not_fire()
    {
        var policy = SecurityPolicy.Build(new Aigis.Core.Configuration.SecurityConfig { DisabledRules = ["920430"] }).Policy;
        var card = new ScoreCard();
        var facts = new ProtocolFacts();
        facts.Observe(policy.Rules, "Host", "a", card);
        facts.Finish(policy.Rules, "GET", "HTTP/4.0", bodyWithoutLength: false, card);
        Assert.Equal(0, card.WebScore);
    }
}
