using System.Text.Encodings.Web;
using System.Text.Json;

namespace Aigis.Sim.Http.Payloads;

/// <summary>The serializer context every response is written with.</summary>
internal static class SimJson
{
    /// <summary>
    /// Escapes only what JSON requires. The payloads go to API clients, never into HTML, so quotes
    /// and backticks stay readable, as in OpenAI's own messages.
    /// </summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary><see cref="SimJsonContext"/> with <see cref="Encoder"/>.</summary>
    public static SimJsonContext Context { get; } = new(new JsonSerializerOptions(SimJsonContext.Default.Options) { Encoder = Encoder });
}
