using System.Text.Json;

namespace Aigis.Sim.Http;

/// <summary>Reads a request body as a JSON object, or says why it cannot.</summary>
internal static class JsonRequestBody
{
    /// <summary>The parsed body (dispose it), or the error to answer with.</summary>
    public static async Task<(JsonDocument? Document, ApiError? Error)> ReadAsync(HttpContext context)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException exception)
        {
            // The client's bytes are outside input: a parse failure is its mistake, answered with a 400.
            return (null, ApiError.InvalidRequest($"We could not parse the JSON body of your request: {exception.Message}"));
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = JsonKinds.Describe(document.RootElement.ValueKind);
            document.Dispose();
            return (null, ApiError.InvalidRequest($"The request body must be a JSON object, but got {kind}."));
        }

        return (document, null);
    }
}
