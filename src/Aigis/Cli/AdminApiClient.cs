using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Aigis.Serialization;

namespace Aigis.Cli;

/// <summary>A refusal or failure from the admin API, as one line for the user.</summary>
internal sealed class AdminApiException : Exception
{
    public AdminApiException()
    {
    }

    public AdminApiException(string message)
        : base(message)
    {
    }

    public AdminApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The admin commands' side of the admin API: one call, its answer or a one-line error.</summary>
internal sealed class AdminApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _baseUrl;

    public AdminApiClient(Uri baseUrl, string adminKey, TimeSpan timeout)
    {
        _baseUrl = baseUrl;
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = timeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    public Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), type, cancellationToken);

    /// <summary>A GET whose answer is printed as it came (<c>-o json</c>) or as a table: no typed model needed.</summary>
    public Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), AdminCliJsonContext.Default.JsonElement, cancellationToken);

    /// <summary>Every item of a paged list, following <c>next_cursor</c> until the last page or <paramref name="max"/> items.</summary>
    public async Task<JsonElement> GetAllAsync(string path, int max, CancellationToken cancellationToken)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await GetJsonAsync(cursor is null ? path : $"{path}{separator}cursor={Uri.EscapeDataString(cursor)}", cancellationToken);
            items.AddRange(page.GetProperty("data").EnumerateArray().Take(max - items.Count));
            cursor = page.TryGetProperty("next_cursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null && items.Count < max);

        return CliOutput.ListOf(JsonSerializer.SerializeToElement(items, AdminCliJsonContext.Default.ListJsonElement));
    }

    /// <summary>Posts text (a config file) and returns the JSON answer.</summary>
    public Task<JsonElement> PostTextAsync(string path, string text, string mediaType, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(text, System.Text.Encoding.UTF8, mediaType) }, AdminCliJsonContext.Default.JsonElement, cancellationToken);

    public Task<T> DeleteAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), type, cancellationToken);

    public Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Post, path, body, requestType, responseType, cancellationToken);

    public Task<TResponse> PatchAsync<TRequest, TResponse>(string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Patch, path, body, requestType, responseType, cancellationToken);

    private Task<TResponse> SendJsonAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, requestType), System.Text.Encoding.UTF8, "application/json"),
        };
        return SendAsync(request, responseType, cancellationToken);
    }


    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new AdminApiException($"cannot reach the admin API at {_baseUrl}: {e.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new AdminApiException($"the admin API at {_baseUrl} did not answer within {_http.Timeout.TotalSeconds:0}s");
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                {
                    // Say which input is wrong: the key (the URL answered, so it is an aigis admin listener).
                    throw new AdminApiException($"the admin key was refused by {_baseUrl} (401): {ErrorMessage(text)}; check {AdminConnection.AdminKeyVariable}, --admin-key or the context's key");
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new AdminApiException($"the admin API refused ({(int)response.StatusCode}): {ErrorMessage(text)}");
                }

                try
                {
                    return JsonSerializer.Deserialize(text, type) ?? throw new AdminApiException("the admin API answered with an empty body");
                }
                catch (JsonException)
                {
                    throw new AdminApiException($"the admin API's answer is not what this aigis expects; is {_baseUrl} an aigis admin listener of the same version?");
                }
            }
        }
    }

    private static string ErrorMessage(string body)
    {
        try
        {
            if (JsonSerializer.Deserialize(body, GatewayJsonContext.Default.OpenAiErrorBody) is { Error: { } error })
            {
                return error.Code is { } code ? $"{error.Message} ({code})" : error.Message;
            }
        }
        catch (JsonException)
        {
            // Not an aigis error body: say what we can.
        }

        return body.Length == 0 ? "no details" : body.Length <= 200 ? body.ReplaceLineEndings(" ") : body[..200].ReplaceLineEndings(" ") + "...";
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonElement))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<JsonElement>))]
internal sealed partial class AdminCliJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
