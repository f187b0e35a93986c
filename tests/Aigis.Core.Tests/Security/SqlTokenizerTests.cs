using Aigis.Core.Security.Tokenizing;

namespace Aigis.Core.Tests.Security;

/// <summary>SQL injection judged by token shape: evasions that change spelling do not change the verdict; prose, code and names pass.</summary>
public sealed class SqlTokenizerTests
{
    [Theory]
    [InlineData("1' OR '1'='1")]
    [InlineData("admin'--")]
    [InlineData("admin'#")]
    [InlineData("admin' /*")]
    [InlineData("' or 1=1 --")]
    [InlineData("') or ('a'='a")]
    [InlineData("1 AND SLEEP(5)")]
    [InlineData("1 UNION SELECT username, password FROM users")]
    [InlineData("x'='x")]
    [InlineData("'; DROP TABLE users; --")]
    [InlineData("1; SELECT @@version")]
    [InlineData("\" or \"\"=\"")]
    [InlineData("1' AND extractvalue(1,concat(0x7e,version()))#")]
    public void Classic_injections_are_detected(string value) => Assert.True(SqlInjection.IsInjection(value));

    [Theory]
    [InlineData("1/**/UnIoN/**/SeLeCt/**/1,2")]          // inline comments and case games
    [InlineData("1/*!50000UNION*//*!50000SELECT*/1")]    // MySQL executable comments
    [InlineData("1\tunion\u000bselect\u000c1")]           // odd white space
    [InlineData("1\u00a0UNION\u00a0ALL\u00a0SELECT\u00a0NULL")]
    [InlineData("1.e(union select 1)")]                  // scientific-notation prefix
    [InlineData("1e1union select 1")]
    [InlineData("-1 uNiOn aLl sElEcT 1,2,3")]
    [InlineData("1 union(select 1)")]
    [InlineData("' oR/**/'x'/**/=/**/'x")]
    [InlineData("'||(select(pg_sleep(15)))||'")]
    [InlineData("1'+sleep(5)+'")]
    [InlineData("1 && benchmark(1000000,md5(1))")]
    public void Evasions_are_detected(string value) => Assert.True(SqlInjection.IsInjection(value), value);

    [Theory]
    [InlineData("O'Brien")]
    [InlineData("Patrick O'Brien and D'Angelo")]
    [InlineData("It's 5 o'clock, isn't it?")]
    [InlineData("rock 'n' roll")]
    [InlineData("How do I select rows from a table where the id is 1 or 2?")]
    [InlineData("Please review; select one option")]
    [InlineData("SELECT name FROM users WHERE id = 1")]
    [InlineData("for (int i = 0; i < 10; i++) { sum += i; }")]
    [InlineData("He said 'hi' and left")]
    [InlineData("3 and 4 are both small")]
    [InlineData("The 'select' keyword picks columns")]
    [InlineData("I need sleep(8 hours) tonight")]
    [InlineData("5' or 6' tall")]
    public void Benign_look_alikes_pass(string value) => Assert.False(SqlInjection.IsInjection(value), value);

    [Fact]
    public void A_long_value_is_tokenized_in_bounded_time()
    {
        var value = string.Concat(Enumerable.Repeat("' or (", 200_000));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        _ = SqlInjection.IsInjection(value);
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
    }
}
