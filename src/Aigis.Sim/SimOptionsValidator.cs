using Microsoft.Extensions.Options;

namespace Aigis.Sim;

/// <summary>Checks the attribute bounds of <see cref="SimOptions"/>; the source generator writes the body.</summary>
[OptionsValidator]
internal sealed partial class SimOptionsValidator : IValidateOptions<SimOptions>;
