using Aigis.Core.Security.Tokenizing;

namespace Aigis.Core.Tests.Security;

/// <summary>XSS judged by what an HTML tokenizer would build: a script element, an event handler, a script URL.</summary>
public sealed class HtmlTokenizerTests
{
    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<ScRiPt/x>alert(1)</sCrIpT>")]
    [InlineData("<svg/onload=alert(1)>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<img\tsrc=x\nonerror\t=\talert(1)>")]
    [InlineData("<a href=\"jav\tascript:alert(1)\">x</a>")]
    [InlineData("<a href=\" javascript:alert(1)\">x</a>")]
    [InlineData("<iframe src=\"data:text/html;base64,PHNjcmlwdD4=\">")]
    [InlineData("<details open ontoggle=alert(1)>")]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData("<iframe srcdoc=\"<svg onload=alert(1)>\">")]
    public void Script_in_markup_is_detected(string value) => Assert.True(HtmlInjection.IsInjection(value), value);

    [Theory]
    [InlineData("if (a < b && b > c) return;")]
    [InlineData("I <3 this product")]
    [InlineData("Use a script tag to load the library")]
    [InlineData("<b>bold</b> and <a href=\"https://example.com\">a link</a>")]
    [InlineData("<img src=\"https://example.com/cat.png\" alt=\"onerror is an attribute\">")]
    [InlineData("x < y")]
    public void Benign_markup_and_code_pass(string value) => Assert.False(HtmlInjection.IsInjection(value), value);
}
