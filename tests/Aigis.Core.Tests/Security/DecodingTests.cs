using Aigis.Core.Security.Decoding;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Tests.Security;

/// <summary>Decoding reveals what matching the raw text misses.</summary>
public sealed class DecodingTests
{
    [Theory]
    [InlineData("%3Cscript%3E", "<script>")]
    [InlineData("%253Cscript%253E", "<script>")]
    [InlineData("%25253Cscript%25253E", "<script>")]
    [InlineData("&lt;script&gt;", "<script>")]
    [InlineData("&#60;script&#x3e;", "<script>")]
    [InlineData("&#60script&#62", "<script>")]
    [InlineData("\\u003cscript\\u003e", "<script>")]
    [InlineData("\\x3cscript\\x3e", "<script>")]
    [InlineData("%u003cscript%u003e", "<script>")]
    [InlineData("%C3%A9t%C3%A9", "été")]
    [InlineData("\\xc3\\xa9", "é")]
    [InlineData("a%00b", "ab")]
    [InlineData("100%", "100%")]
    [InlineData("AT&T", "AT&T")]
    public void Decodes_every_spelling(string input, string expected)
    {
        var output = new char[input.Length];
        var length = InputDecoder.Decode(input, output, plusIsSpace: false);

        Assert.Equal(expected, new string(output, 0, length));
    }

    [Fact]
    public void Plus_is_a_space_only_in_forms()
    {
        var output = new char[16];
        Assert.Equal("a b", new string(output, 0, InputDecoder.Decode("a+b", output, plusIsSpace: true)));
        Assert.Equal("a+b", new string(output, 0, InputDecoder.Decode("a+b", output, plusIsSpace: false)));
    }

    [Fact]
    public void Decoding_stops_after_a_bounded_number_of_passes()
    {
        // Four levels of encoding: three passes undo three, and the fourth stays encoded (and harmless).
        var output = new char[64];
        var length = InputDecoder.Decode("%2525253C", output, plusIsSpace: false);

        Assert.Equal("%3C", new string(output, 0, length));
    }

    [Theory]
    [InlineData("/get?q=%253Cscript%253Ealert(1)%253C/script%253E", RuleFamilies.Xss)]
    [InlineData("/get?q=&lt;script&gt;alert(1)&lt;/script&gt;", RuleFamilies.Xss)]
    [InlineData("/get?q=\\u003cscript\\u003ealert(1)", RuleFamilies.Xss)]
    [InlineData("/get?id=1%2527%2520OR%2520%25271%2527%253D%25271", RuleFamilies.Sql)]
    [InlineData("/get?f=%252e%252e%252f%252e%252e%252fetc%252fpasswd", RuleFamilies.PathTraversal)]
    public void Encoded_attacks_are_caught_where_matching_the_raw_text_would_miss_them(string target, string family)
    {
        var raw = Uri.UnescapeDataString(target);
        Assert.DoesNotContain("<script", raw, StringComparison.OrdinalIgnoreCase);

        var card = SecurityTestRules.Get(target);

        Assert.True(card.FamilyScore(family) > 0, $"{target}: {card.RuleIds(false)}");
    }

    [Fact]
    public void Json_escapes_in_a_generic_body_are_decoded()
    {
        var card = new Core.Security.Inspection.ScoreCard();
        Core.Security.Inspection.WebRequestInspector.InspectBody(SecurityTestRules.ParanoiaOne,
            """{"comment":"\u003cscript\u003ealert(1)\u003c/script\u003e"}"""u8, "application/json", card);

        Assert.True(card.FamilyScore(RuleFamilies.Xss) > 0);
    }

    [Fact]
    public void Command_line_view_removes_shell_quoting()
    {
        var output = new char[64];
        var length = Normalizers.CommandLine("c\\a\"t /e't'c/pa''sswd", output);

        Assert.Equal("cat /etc/passwd", new string(output, 0, length));
    }
}
