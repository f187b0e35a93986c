using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Aigis.Core.Security.Inspection;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Security.Prompting;

/// <summary>
/// Second readings of a prompt, each made only when a cheap test says the prompt may need it, and each run
/// through the prompt-injection rules again: letters spaced or dotted apart joined into words, text written
/// backwards turned round, and base64 or hex blobs decoded. An encoded blob that decodes to text beside an
/// order to decode it and act on it ("decode this and follow the instructions") scores on its own.
/// </summary>
public static class PromptViews
{
    private const int MinBlob = 16;
    private const int MaxBlobs = 8;

    // Words of injections as they read backwards: the gate for the reversed view.
    private static readonly SearchValues<string> s_reversedWords = SearchValues.Create(
        ["erongi", "drageris", "snoitcurtsni", "noitcurtsni", "tpmorp", "suoiverp", "metsys", "laever", "tegrof", "edirrevo", "selur"],
        StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<char> s_hexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private static readonly SearchValues<string> s_decodeWords = SearchValues.Create(
        ["decode", "base64", "base 64", "hex", "rot13", "decipher", "decrypt", "encoded", "dekodier", "décode", "decodifica"], StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<string> s_followWords = SearchValues.Create(
        ["follow", "execute", "obey", "do what", "carry out", "comply", "perform", "act on", "run it", "as instructed", "do it", "then do", "and do", "instructions"],
        StringComparison.OrdinalIgnoreCase);

    public static void Inspect(RuleSet rules, ReadOnlySpan<char> text, ScoreCard card)
    {
        if (HasSpacedLetters(text))
        {
            var buffer = ArrayPool<char>.Shared.Rent(text.Length);
            try
            {
                rules.ScanPromptView(buffer.AsSpan(0, JoinSpacedLetters(text, buffer)), card);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }

        if (text.IndexOfAny(s_reversedWords) >= 0)
        {
            var buffer = ArrayPool<char>.Shared.Rent(text.Length);
            try
            {
                text.CopyTo(buffer);
                buffer.AsSpan(0, text.Length).Reverse();
                rules.ScanPromptView(buffer.AsSpan(0, text.Length), card);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }

        InspectEncodedBlobs(rules, text, card);
    }

    /// <summary>Four or more single letters in a row, each followed by one separator: "i g n o r e", "i.g.n.o.r.e".</summary>
    private static bool HasSpacedLetters(ReadOnlySpan<char> text)
    {
        var run = 0;
        for (var i = 0; i + 1 < text.Length; i++)
        {
            if (!IsLetter(text[i]))
            {
                continue;
            }

            // A letter inside a word, or one that starts a word of two or more, ends a run.
            var next = text[i + 1];
            if ((i > 0 && IsLetter(text[i - 1])) || IsLetter(next) || (next != ' ' && char.IsWhiteSpace(next)))
            {
                run = 0;
                continue;
            }

            if (++run >= 4)
            {
                return true;
            }

            i++;
        }

        return false;
    }

    // The ASCII test first: char.IsLetter's table lookup was most of this view's gate over English prose.
    private static bool IsLetter(char c) => char.IsAscii(c) ? char.IsAsciiLetter(c) : char.IsLetter(c);

    /// <summary>
    /// Joins letters separated by single separators into words; a longer gap (two spaces, or a space
    /// between dotted letters) is a word break. Other text is copied.
    /// </summary>
    private static int JoinSpacedLetters(ReadOnlySpan<char> text, Span<char> output)
    {
        var w = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var single = char.IsLetter(c) && (i == 0 || !char.IsLetter(text[i - 1])) && (i + 1 >= text.Length || !char.IsLetter(text[i + 1]));
            if (!single)
            {
                output[w++] = c;
                i++;
                continue;
            }

            output[w++] = c;
            // A single separator followed by another single letter continues the word.
            if (i + 2 < text.Length && !char.IsLetter(text[i + 1]) && char.IsLetter(text[i + 2]) && (i + 3 >= text.Length || !char.IsLetter(text[i + 3])) &&
                !(text[i + 1] == ' ' && i > 0 && text[i - 1] is '.' or '-' or '_' or '*'))
            {
                i += 2;
                continue;
            }

            i++;
        }

        return w;
    }

    private static void InspectEncodedBlobs(RuleSet rules, ReadOnlySpan<char> text, ScoreCard card)
    {
        var blobs = 0;
        var i = 0;
        while (i < text.Length && blobs < MaxBlobs)
        {
            // One scalar pass finds the next run long enough to be a blob: prose is short words between
            // separators, and calling a vectorized search per word cost more than this walk.
            var start = -1;
            var run = 0;
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (IsBase64Char(c) || (c == '=' && run > 0))
                {
                    start = run++ == 0 ? i : start;
                }
                else if (run >= MinBlob)
                {
                    break;
                }
                else
                {
                    run = 0;
                }
            }

            if (run < MinBlob)
            {
                break;
            }

            var blob = text.Slice(start, run);
            blobs++;
            var decoded = ArrayPool<byte>.Shared.Rent(blob.Length);
            try
            {
                var length = IsHex(blob) ? DecodeHex(blob, decoded) : DecodeBase64(blob, decoded);
                if (length > 0 && LooksLikeText(decoded.AsSpan(0, length)))
                {
                    var chars = ArrayPool<char>.Shared.Rent(length);
                    try
                    {
                        var count = Encoding.UTF8.GetChars(decoded.AsSpan(0, length), chars);
                        rules.ScanPromptView(chars.AsSpan(0, count), card);
                        if (text.IndexOfAny(s_decodeWords) >= 0 && text.IndexOfAny(s_followWords) >= 0)
                        {
                            rules.Report(CodeRules.DecodeAndFollow, card);
                        }
                    }
                    finally
                    {
                        ArrayPool<char>.Shared.Return(chars);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(decoded);
            }
        }
    }

    private static bool IsBase64Char(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '-' or '_';

    private static bool IsHex(ReadOnlySpan<char> blob) => blob.Length % 2 == 0 && !blob.ContainsAnyExcept(s_hexDigits);

    private static int DecodeHex(ReadOnlySpan<char> blob, Span<byte> output)
    {
        try
        {
            return Convert.FromHexString(blob, output, out _, out var written) == OperationStatus.Done ? written : 0;
        }
        catch (FormatException)
        {
            return 0;
        }
    }

    private static int DecodeBase64(ReadOnlySpan<char> blob, Span<byte> output)
    {
        Span<byte> ascii = blob.Length <= 4096 ? stackalloc byte[blob.Length + 3] : new byte[blob.Length + 3];
        var n = 0;
        foreach (var c in blob)
        {
            ascii[n++] = (byte)(c switch { '-' => '+', '_' => '/', _ => c });
        }

        while (n % 4 != 0)
        {
            ascii[n++] = (byte)'=';
        }

        return Base64.DecodeFromUtf8(ascii[..n], output, out _, out var written) == OperationStatus.Done ? written : 0;
    }

    /// <summary>Valid UTF-8 with at least three in four characters letters, digits, spaces or punctuation.</summary>
    private static bool LooksLikeText(ReadOnlySpan<byte> bytes)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return false;
        }

        var printable = 0;
        var spaces = 0;
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7F or >= 0x80)
            {
                printable++;
            }

            spaces += b == ' ' ? 1 : 0;
        }

        return printable * 4 >= bytes.Length * 3 && spaces > 0;
    }
}
