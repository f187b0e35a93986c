using Aigis.Core.Security.Ssrf;

namespace Aigis.Core.Tests.Security;

/// <summary>URL hosts are classified as a fetching server resolves them, whatever the IP encoding.</summary>
public sealed class SsrfEncodingTests
{
    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://2852039166/latest/meta-data/")]             // decimal
    [InlineData("http://0251.0376.0251.0376/")]                       // octal
    [InlineData("http://0xA9FEA9FE/")]                                // hex
    [InlineData("http://0xa9.0xfe.0xa9.0xfe/")]                       // hex per part
    [InlineData("http://169.254.43518/")]                             // short form
    [InlineData("http://[::ffff:169.254.169.254]/")]                  // IPv6-mapped
    [InlineData("http://[::ffff:a9fe:a9fe]/")]
    [InlineData("http://[fd00:ec2::254]/latest/")]                    // EC2 IPv6 metadata
    [InlineData("http://metadata.google.internal/computeMetadata/v1/")]
    [InlineData("http://good.example@169.254.169.254/")]               // user info
    [InlineData("http://169.254.169.254#@good.example/")]
    [InlineData("http://127.1/admin")]
    [InlineData("http://0/")]
    [InlineData("http://[::1]:8080/")]
    [InlineData("http://169.254.169.254.nip.io/")]
    [InlineData("http://１６９．２５４．１６９．２５４/")]                   // full-width
    [InlineData("fetch this: https://localhost:8443/admin please")]
    public void Internal_hosts_are_found_in_every_encoding(string value) => Assert.Equal(UrlHostKind.Internal, UrlHosts.Classify(value));

    [Theory]
    [InlineData("http://167772161/")]        // 10.0.0.1 in decimal
    [InlineData("http://0xc0a80001/")]       // 192.168.0.1 in hex
    public void Private_addresses_in_odd_encodings_are_flagged(string value) => Assert.Equal(UrlHostKind.ObfuscatedPrivate, UrlHosts.Classify(value));

    [Theory]
    [InlineData("https://api.openai.com/v1/chat/completions")]
    [InlineData("https://example.com/image.png")]
    [InlineData("https://8.8.8.8/")]
    [InlineData("http://1234.example.com/")]
    [InlineData("ratio 3://4 is not a URL")]
    public void External_hosts_pass(string value) => Assert.Equal(UrlHostKind.External, UrlHosts.Classify(value));

    [Theory]
    [InlineData("/svc/x/fetch?url=http%3A%2F%2F2852039166%2Flatest")]
    [InlineData("/svc/x/fetch?url=http://0251.0376.0251.0376/")]
    [InlineData("/svc/x/fetch?url=http://%5B::ffff:a9fe:a9fe%5D/")]
    public void Encoded_metadata_urls_in_arguments_are_blocked(string target)
    {
        var card = SecurityTestRules.Get(target);
        Assert.True(card.WebScore >= 5, card.RuleIds(false));
    }

    [Fact]
    public void An_image_url_to_the_metadata_service_in_decimal_is_blocked()
    {
        var card = SecurityTestRules.ModelBody("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://2852039166/latest/meta-data/"}}]}]}""");
        Assert.True(card.WebScore >= 5, card.RuleIds(false));
    }
}
