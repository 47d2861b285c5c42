using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Parking.Browser.Tests;

/// <summary>The platform's HTTP API called as another device would (a staff tablet, a shelter's detector), with demo users' tokens.</summary>
public sealed class ApiCalls(Uri baseAddress) : IDisposable
{
    public const string Compound = "api/compounds/demo-small/";

    private readonly HttpClient _http = new() { BaseAddress = baseAddress };
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);

    public async Task<string> TokenAsync(string userId)
    {
        if (_tokens.TryGetValue(userId, out var known))
        {
            return known;
        }

        using var response = await _http.PostAsJsonAsync("api/dev/token", new { userId });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        return _tokens.GetOrAdd(userId, token);
    }

    /// <summary>Sends a request under the compound as the user; fails with the answer's body unless it succeeded.</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, string userId, object? body = null)
    {
        using var request = new HttpRequestMessage(method, Compound + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(userId));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} as {userId}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();
}
