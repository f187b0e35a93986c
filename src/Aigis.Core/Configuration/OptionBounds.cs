using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Aigis.Core.Configuration;

/// <summary>
/// The bounds an options record declares on a property with <see cref="RangeAttribute"/>: the one place they are
/// written. The config binders read them from here, so the attribute is what a value is checked against, and a
/// test checks every default against it.
/// </summary>
public static class OptionBounds
{
    private static readonly ConcurrentDictionary<(Type, string), (double Min, double Max)> s_bounds = new();

    /// <summary>The declared range of <typeparamref name="TOptions"/>.<paramref name="property"/>.</summary>
    /// <exception cref="InvalidOperationException">The property declares no range (a programming error).</exception>
    public static (double Min, double Max) Of<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(string property) =>
        s_bounds.GetOrAdd((typeof(TOptions), property), static key => Read(key.Item1, key.Item2));

    /// <summary>The declared range of an integer property.</summary>
    public static (int Min, int Max) IntegerOf<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(string property)
    {
        var (min, max) = Of<TOptions>(property);
        return ((int)min, (int)max);
    }

    /// <summary>Every property of <paramref name="type"/> with a declared range, and its current value on <paramref name="instance"/>.</summary>
    public static IEnumerable<(string Property, double Min, double Max, double Value)> Check(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type, object instance)
    {
        foreach (var property in type.GetProperties())
        {
            if (property.GetCustomAttributes(typeof(RangeAttribute), inherit: true).FirstOrDefault() is RangeAttribute range)
            {
                yield return (property.Name, ToDouble(range.Minimum), ToDouble(range.Maximum), Convert.ToDouble(property.GetValue(instance), CultureInfo.InvariantCulture));
            }
        }
    }

    private static (double Min, double Max) Read(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type, string property)
    {
        var info = type.GetProperty(property) ?? throw new InvalidOperationException($"{type.Name} has no property {property}");
        var range = info.GetCustomAttributes(typeof(RangeAttribute), inherit: true).FirstOrDefault() as RangeAttribute
            ?? throw new InvalidOperationException($"{type.Name}.{property} declares no [Range]");
        return (ToDouble(range.Minimum), ToDouble(range.Maximum));
    }

    private static double ToDouble(object value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);
}
