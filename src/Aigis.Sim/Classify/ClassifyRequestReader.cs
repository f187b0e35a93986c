using System.Text.Json;
using Aigis.Sim.Http;

namespace Aigis.Sim.Classify;

/// <summary>Reads a classify request: a model, exactly one of image (base64) and url, and an optional top_k.</summary>
internal static class ClassifyRequestReader
{
    public const int DefaultTopK = 5;
    public const int MaxTopK = 100;

    public static ApiError? Read(JsonElement root, long maxImageBytes, out ClassifyRequest request)
    {
        request = null!;
        var error = RequestFields.ReadRequiredString(root, "model", out var model);
        var topKError = ReadTopK(root, out var topK);
        error ??= topKError;
        if (error is not null)
        {
            return error;
        }

        var hasImage = RequestFields.TryGet(root, "image", out var image);
        var hasUrl = RequestFields.TryGet(root, "url", out var url);
        if (hasImage == hasUrl)
        {
            return hasImage
                ? ApiError.InvalidRequest("Give either 'image' or 'url', not both.", "image")
                : ApiError.InvalidRequest("Missing required parameter: 'image' (base64) or 'url'.", "image", "missing_required_parameter");
        }

        ulong digest;
        long size;
        error = hasImage ? ReadImage(image, maxImageBytes, out digest, out size) : ReadUrl(url, out digest, out size);
        if (error is not null)
        {
            return error;
        }

        request = new ClassifyRequest(model, digest, size, topK);
        return null;
    }

    private static ApiError? ReadTopK(JsonElement root, out int topK)
    {
        topK = DefaultTopK;
        if (!RequestFields.TryGet(root, "top_k", out var element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out topK))
        {
            return ApiError.InvalidType("top_k", "an integer", JsonKinds.Describe(element.ValueKind));
        }

        return topK switch
        {
            < 1 => ApiError.InvalidRequest($"Invalid 'top_k': integer below minimum value. Expected a value >= 1, but got {topK} instead.", "top_k", "integer_below_min_value"),
            > MaxTopK => ApiError.InvalidRequest($"Invalid 'top_k': integer above maximum value. Expected a value <= {MaxTopK}, but got {topK} instead.", "top_k", "integer_above_max_value"),
            _ => null,
        };
    }

    private static ApiError? ReadImage(JsonElement image, long maxImageBytes, out ulong digest, out long size)
    {
        digest = 0;
        size = 0;
        if (image.ValueKind != JsonValueKind.String)
        {
            return ApiError.InvalidType("image", "a base64 string", JsonKinds.Describe(image.ValueKind));
        }

        // Decodes straight from the JSON bytes: no intermediate string of the whole base64 text.
        if (!image.TryGetBytesFromBase64(out var bytes))
        {
            return ApiError.InvalidRequest("Invalid 'image': expected base64-encoded image bytes.", "image", "invalid_base64");
        }

        if (bytes.Length == 0)
        {
            return ApiError.InvalidRequest("'image' must not be empty.", "image");
        }

        if (bytes.Length > maxImageBytes)
        {
            return ClassifyErrors.ImageTooLarge($"The image is {bytes.Length} bytes; the limit is {maxImageBytes}.");
        }

        digest = ImageClassifier.DigestImage(bytes);
        size = bytes.Length;
        return null;
    }

    private static ApiError? ReadUrl(JsonElement url, out ulong digest, out long size)
    {
        digest = 0;
        size = 0;
        if (url.ValueKind != JsonValueKind.String)
        {
            return ApiError.InvalidType("url", "a string", JsonKinds.Describe(url.ValueKind));
        }

        var text = url.GetString()!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return ApiError.InvalidRequest("Invalid 'url': expected an absolute http or https URL.", "url", "invalid_url");
        }

        // Never fetched: the simulator makes no outbound calls. The text alone decides the labels.
        digest = ImageClassifier.DigestUrl(text);
        size = ClassifierOptions.NominalUrlImageBytes;
        return null;
    }
}
