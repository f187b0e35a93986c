using System.Text.RegularExpressions;

namespace Aigis.Core.Security.Rules;

/// <summary>
/// Rules whose check is code rather than a pattern: protocol facts that span several headers, media-type
/// grammar, URL hosts in every IP encoding, tokenized SQL. They score, are listed, and are disabled by id or
/// family exactly like pattern rules; their <see cref="SecurityRule.Zones"/> is empty so no pattern group holds them.
/// </summary>
public static class CodeRules
{
    // A pattern that matches nothing: the record needs one, the check is elsewhere.
    private static readonly Regex s_none = new("[^\\s\\S]", RegexOptions.NonBacktracking);

    public static readonly SecurityRule BodyOnGet = Make("920170", RuleFamilies.Protocol, "GET or HEAD request with a body");
    public static readonly SecurityRule TransferEncodingOnGet = Make("920171", RuleFamilies.Protocol, "GET or HEAD request with Transfer-Encoding");
    public static readonly SecurityRule MissingHost = Make("920280", RuleFamilies.Protocol, "Request without a Host header");
    public static readonly SecurityRule ProtocolVersion = Make("920430", RuleFamilies.Protocol, "HTTP protocol version not allowed");
    public static readonly SecurityRule ContentTypeNotAllowed = Make("920420", RuleFamilies.Protocol, "Request content type not allowed");
    public static readonly SecurityRule ContentTypeSyntax = Make("920470", RuleFamilies.Protocol, "Illegal Content-Type header");
    public static readonly SecurityRule ContentTypeCharset = Make("920480", RuleFamilies.Protocol, "Content-Type charset not allowed (decoded views would differ from the server's)");
    public static readonly SecurityRule AcceptCharset = Make("920600", RuleFamilies.Protocol, "Accept header charset not allowed");
    public static readonly SecurityRule ConnectionHeader = Make("920210", RuleFamilies.Protocol, "Connection header repeats or contradicts itself");
    public static readonly SecurityRule HopByHopAbuse = Make("921904", RuleFamilies.Smuggling, "Connection header names an end-to-end header, so a proxy strips it before the back end");
    public static readonly SecurityRule MultipartName = Make("920120", RuleFamilies.Protocol, "Multipart name or file name with characters that split parsers");

    public static readonly SecurityRule LengthAndChunked = Make("921901", RuleFamilies.Smuggling, "Both Content-Length and Transfer-Encoding (request smuggling)");
    public static readonly SecurityRule TransferEncodingMalformed = Make("921902", RuleFamilies.Smuggling, "Transfer-Encoding other than one plain 'chunked' (request smuggling)");
    public static readonly SecurityRule ContentLengthMalformed = Make("921903", RuleFamilies.Smuggling, "Content-Length repeated or not a number (request smuggling)");
    public static readonly SecurityRule LineBreakInHeader = Make("921140", RuleFamilies.Smuggling, "CR or LF in a header value (header injection)");

    public static readonly SecurityRule InternalAddress = Make("934110", RuleFamilies.Ssrf, "URL to a cloud metadata, loopback or link-local address (in any IP encoding)");
    public static readonly SecurityRule ObfuscatedAddress = Make("934111", RuleFamilies.Ssrf, "URL whose IP host is written in a non-canonical encoding (decimal, octal, hex)");

    public static readonly SecurityRule NoSqlOperator = Make("942291", RuleFamilies.Sql, "NoSQL injection (query operator outside a filter container, under a credential field, or $where)");
    public static readonly SecurityRule SqlTokens = Make("942900", RuleFamilies.Sql, "SQL injection (token sequence)");
    public static readonly SecurityRule XssTokens = Make("941900", RuleFamilies.Xss, "XSS (HTML tag or attribute that runs script)");

    public static readonly SecurityRule DecodeAndFollow = Make("PI-200", RuleFamilies.PromptInjection, "Encoded text with an order to decode it and act on it");

    public static readonly IReadOnlyList<SecurityRule> All =
    [
        BodyOnGet, TransferEncodingOnGet, MissingHost, ProtocolVersion, ContentTypeNotAllowed, ContentTypeSyntax, ContentTypeCharset,
        AcceptCharset, ConnectionHeader, HopByHopAbuse, MultipartName, LengthAndChunked, TransferEncodingMalformed, ContentLengthMalformed, LineBreakInHeader,
        InternalAddress, ObfuscatedAddress, NoSqlOperator, SqlTokens, XssTokens, DecodeAndFollow,
    ];

    private static SecurityRule Make(string id, string family, string message) =>
        new(id, family, Severity.Critical, 1, RuleZone.None, RuleView.Decoded, "(code)", s_none, message, [], "(built-in code)");
}
