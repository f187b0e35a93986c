using System.Globalization;
using Aigis.Core.Configuration;

namespace Aigis.Core.Alerts;

/// <summary>
/// Reads alert expressions. The grammar is small on purpose (a rule must be checkable at load, and evaluable
/// without a query engine):
/// <code>
/// rate(SELECTOR[WINDOW]) OP NUMBER
/// ratio(SELECTOR, SELECTOR[WINDOW]) OP NUMBER
/// quantile(Q, SELECTOR[WINDOW]) OP NUMBER
/// value(SELECTOR) OP NUMBER
/// SELECTOR := instrument.name{label="v", label!="v"}     OP := &gt; | &gt;= | &lt; | &lt;=
/// </code>
/// </summary>
public static class AlertExpressionParser
{
    public static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);

    public static bool TryParse(string text, out AlertExpression? expression, out string error)
    {
        var scanner = new Scanner(text);
        expression = null;
        try
        {
            expression = Parse(ref scanner);
            error = "";
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    private static AlertExpression Parse(ref Scanner s)
    {
        var function = s.Word() switch
        {
            "rate" => AlertFunction.Rate,
            "ratio" => AlertFunction.Ratio,
            "quantile" => AlertFunction.Quantile,
            "value" => AlertFunction.Value,
            var other => throw new FormatException($"unknown function '{other}'; use rate(...), ratio(...), quantile(...) or value(...)"),
        };
        s.Expect('(');
        double quantile = 0;
        MetricSelector? denominator = null;
        if (function == AlertFunction.Quantile)
        {
            quantile = s.Number();
            if (quantile is <= 0 or >= 1)
            {
                throw new FormatException("the quantile must be between 0 and 1 exclusive, e.g. 0.99");
            }

            s.Expect(',');
        }

        var selector = Selector(ref s);
        if (function == AlertFunction.Ratio)
        {
            s.Expect(',');
            denominator = Selector(ref s);
        }

        var window = TimeSpan.Zero;
        if (function != AlertFunction.Value)
        {
            s.Expect('[');
            var windowText = s.Until(']');
            if (!DurationParser.TryParse(windowText, out window, out var durationError))
            {
                throw new FormatException($"window: {durationError}");
            }

            if (window < MinWindow || window > MaxWindow)
            {
                throw new FormatException($"the window must be between {DurationParser.Format(MinWindow)} and {DurationParser.Format(MaxWindow)}");
            }

            s.Expect(']');
        }

        s.Expect(')');
        var comparison = s.Comparison();
        var threshold = s.Number();
        s.End();
        return new AlertExpression(function, selector, denominator, quantile, window, comparison, threshold);
    }

    private static MetricSelector Selector(ref Scanner s)
    {
        var name = s.Name();
        var matchers = new List<LabelMatcher>();
        if (s.TryTake('{'))
        {
            while (!s.TryTake('}'))
            {
                if (matchers.Count > 0)
                {
                    s.Expect(',');
                }

                var label = s.Name();
                var negate = s.TryTake('!');
                s.Expect('=');
                matchers.Add(new LabelMatcher(label, s.Quoted(), negate));
            }
        }

        return new MetricSelector(name, matchers);
    }

    private ref struct Scanner(string text)
    {
        private int _at;

        public string Word()
        {
            SkipSpace();
            var start = _at;
            while (_at < text.Length && char.IsAsciiLetterLower(text[_at]))
            {
                _at++;
            }

            return start == _at ? throw Expected("a function name") : text[start.._at];
        }

        public string Name()
        {
            SkipSpace();
            var start = _at;
            while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] is '.' or '_' or '-'))
            {
                _at++;
            }

            return start == _at ? throw Expected("an instrument or label name") : text[start.._at];
        }

        public double Number()
        {
            SkipSpace();
            var start = _at;
            while (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] is '.' or '-' or '+' or 'e' or 'E'))
            {
                _at++;
            }

            return double.TryParse(text.AsSpan(start, _at - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw Expected("a number");
        }

        public string Quoted()
        {
            Expect('"');
            var value = Until('"');
            Expect('"');
            return value;
        }

        public string Until(char end)
        {
            var start = _at;
            while (_at < text.Length && text[_at] != end)
            {
                _at++;
            }

            return text[start.._at].Trim();
        }

        public AlertComparison Comparison()
        {
            SkipSpace();
            if (TryTake('>'))
            {
                return TryTake('=') ? AlertComparison.GreaterOrEqual : AlertComparison.Greater;
            }

            if (TryTake('<'))
            {
                return TryTake('=') ? AlertComparison.LessOrEqual : AlertComparison.Less;
            }

            throw Expected("a comparison (>, >=, <, <=) and a threshold");
        }

        public void Expect(char c)
        {
            if (!TryTake(c))
            {
                throw Expected($"'{c}'");
            }
        }

        public bool TryTake(char c)
        {
            SkipSpace();
            if (_at < text.Length && text[_at] == c)
            {
                _at++;
                return true;
            }

            return false;
        }

        public void End()
        {
            SkipSpace();
            if (_at < text.Length)
            {
                throw new FormatException($"unexpected '{text[_at..]}' after the threshold");
            }
        }

        private void SkipSpace()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        private readonly FormatException Expected(string what) =>
            new(_at < text.Length ? $"expected {what} at column {_at + 1}, found '{text[_at]}'" : $"expected {what} at the end");
    }
}
