using Aigis.Core.Security.Inspection;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Security.Protocol;

/// <summary>
/// Protocol checks in the manner of OWASP CRS 920 and 921 that need more than one value: the framing
/// headers together (Content-Length and Transfer-Encoding, request smuggling), the method with the body,
/// the HTTP version, Host, and the grammar and charset of Content-Type and Accept. Feed every header to
/// <see cref="Observe"/>, then call <see cref="Finish"/> once. A struct on the caller's stack: nothing allocated.
/// </summary>
public struct ProtocolFacts
{
    private int _contentLengths;
    private long _contentLength;
    private bool _contentLengthMalformed;
    private int _transferEncodings;
    private bool _transferEncodingMalformed;
    private bool _host;

    /// <summary>Records one header (a repeated header is observed once per value).</summary>
    public void Observe(RuleSet rules, string name, ReadOnlySpan<char> value, ScoreCard card)
    {
        if (value.ContainsAny('\r', '\n'))
        {
            rules.Report(CodeRules.LineBreakInHeader, card);
        }

        if (name.Equals("content-length", StringComparison.OrdinalIgnoreCase))
        {
            _contentLengths++;
            var trimmed = value.Trim();
            if (trimmed.IsEmpty || trimmed.ContainsAnyExceptInRange('0', '9') || !long.TryParse(trimmed, out var length))
            {
                _contentLengthMalformed = true;
            }
            else if (_contentLengths > 1 && length != _contentLength)
            {
                _contentLengthMalformed = true;
            }
            else
            {
                _contentLength = length;
            }
        }
        else if (name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase))
        {
            _transferEncodings++;
            // Only exactly "chunked" frames a body one way for every server; "chunked, chunked", "xchunked",
            // "chunked\t", "identity" and friends are how front and back ends are made to disagree.
            if (!value.Equals("chunked", StringComparison.OrdinalIgnoreCase) || _transferEncodings > 1)
            {
                _transferEncodingMalformed = true;
            }
        }
        else if (name.Equals("host", StringComparison.OrdinalIgnoreCase))
        {
            _host = !value.Trim().IsEmpty;
        }
        else if (name.Equals("content-type", StringComparison.OrdinalIgnoreCase))
        {
            switch (MediaTypes.CheckContentType(value))
            {
                case MediaTypeProblem.NotAllowed:
                    rules.Report(CodeRules.ContentTypeNotAllowed, card);
                    break;
                case MediaTypeProblem.Syntax:
                    rules.Report(CodeRules.ContentTypeSyntax, card);
                    break;
                case MediaTypeProblem.Charset:
                    rules.Report(CodeRules.ContentTypeCharset, card);
                    break;
            }
        }
        else if (name.Equals("connection", StringComparison.OrdinalIgnoreCase))
        {
            switch (CheckConnection(value))
            {
                case 1:
                    rules.Report(CodeRules.ConnectionHeader, card);
                    break;
                case 2:
                    rules.Report(CodeRules.HopByHopAbuse, card);
                    break;
            }
        }
        else if (name.Equals("accept", StringComparison.OrdinalIgnoreCase) && MediaTypes.AcceptHasBadCharset(value))
        {
            rules.Report(CodeRules.AcceptCharset, card);
        }
    }

    /// <summary>
    /// The checks over the whole request. <paramref name="bodyWithoutLength"/>: a body arrived that no
    /// Content-Length or Transfer-Encoding announced (only a replayed request can say so; a server cannot).
    /// </summary>
    public readonly void Finish(RuleSet rules, ReadOnlySpan<char> method, ReadOnlySpan<char> protocol, bool bodyWithoutLength, ScoreCard card)
    {
        if (_contentLengths > 0 && _transferEncodings > 0)
        {
            rules.Report(CodeRules.LengthAndChunked, card);
        }

        if (_transferEncodingMalformed)
        {
            rules.Report(CodeRules.TransferEncodingMalformed, card);
        }

        if (_contentLengthMalformed)
        {
            rules.Report(CodeRules.ContentLengthMalformed, card);
        }

        if (method.Equals("GET", StringComparison.OrdinalIgnoreCase) || method.Equals("HEAD", StringComparison.OrdinalIgnoreCase))
        {
            if (_transferEncodings > 0)
            {
                rules.Report(CodeRules.TransferEncodingOnGet, card);
            }
            else if (_contentLength > 0 || (_contentLengths == 0 && bodyWithoutLength))
            {
                rules.Report(CodeRules.BodyOnGet, card);
            }
        }

        if (!(protocol is "HTTP/1.0" or "HTTP/1.1" or "HTTP/2" or "HTTP/2.0" or "HTTP/3" or "HTTP/3.0"))
        {
            rules.Report(CodeRules.ProtocolVersion, card);
        }

        if (!_host)
        {
            rules.Report(CodeRules.MissingHost, card);
        }
    }

    /// <summary>
    /// 0 when each of keep-alive, close, upgrade, http2-settings and te appears at most once and not both
    /// keep-alive and close; 1 for a repeat or contradiction (CRS 920210, a warning there, critical here as no
    /// HTTP client sends one); 2 when another name is listed, which asks a proxy to strip that header before
    /// the back end sees it (<c>Connection: close, X-Forwarded-For</c>).
    /// </summary>
    private static int CheckConnection(ReadOnlySpan<char> value)
    {
        var seen = 0;
        foreach (var range in value.Split(','))
        {
            var option = value[range].Trim();
            var bit = option switch
            {
                _ when option.IsEmpty => 0,
                _ when option.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) => 1,
                _ when option.Equals("close", StringComparison.OrdinalIgnoreCase) => 2,
                _ when option.Equals("upgrade", StringComparison.OrdinalIgnoreCase) => 4,
                _ when option.Equals("http2-settings", StringComparison.OrdinalIgnoreCase) => 8,
                _ when option.Equals("te", StringComparison.OrdinalIgnoreCase) => 16,
                _ => -1,
            };
            if (bit < 0)
            {
                return 2;
            }

            if ((seen & bit) != 0)
            {
                return 1;
            }

            seen |= bit;
        }

        return (seen & 3) == 3 ? 1 : 0;
    }
}
