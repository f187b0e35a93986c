using System.Net;
using Microsoft.Extensions.Options;

namespace Aigis.Sim;

/// <summary>Validates <see cref="SimOptions"/> once, at startup, and lists every problem.</summary>
internal static class SimOptionsValidation
{
    /// <summary>Returns every problem found; empty when the options are usable.</summary>
    public static IReadOnlyList<string> Validate(SimOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var result = new SimOptionsValidator().Validate(name: null, options);
        if (result.Failed)
        {
            errors.AddRange(result.Failures);
        }

        if (!IPAddress.TryParse(options.Host, out _))
        {
            errors.Add($"Host '{options.Host}' is not an IP address.");
        }

        if (options.MaxTokensDefault > options.MaxModelLength)
        {
            errors.Add($"MaxTokensDefault ({options.MaxTokensDefault}) exceeds MaxModelLength ({options.MaxModelLength}).");
        }

        if (options.MaxModelLength > options.Engine.MaxModelTokens)
        {
            errors.Add($"MaxModelLength ({options.MaxModelLength}) exceeds the KV cache ({options.Engine.TotalBlocks} blocks of {options.Engine.BlockSize} = {options.Engine.MaxModelTokens} tokens); a request that long could never run.");
        }

        foreach (var model in options.Models)
        {
            if (string.IsNullOrWhiteSpace(model))
            {
                errors.Add("A model name is empty.");
            }
        }

        if (options.Models.Distinct(StringComparer.Ordinal).Count() != options.Models.Count)
        {
            errors.Add("A model name is given twice.");
        }

        return errors;
    }
}
