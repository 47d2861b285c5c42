using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Parking.Contracts;
using Xunit;

namespace Parking.Cluster.Tests.Infrastructure;

/// <summary>A reservation the API acknowledged (2xx): what must still be there later.</summary>
public sealed record Acknowledged(string Id, string ResidentId, string SpaceId, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset At, string Via);

/// <summary>What became of one reservation request after its retries.</summary>
public sealed record ReserveAttempt(Acknowledged? Reservation, HttpStatusCode? Status, string? ProblemCode, string? MediaType, string Detail);

/// <summary>
/// The HTTP API of a set of silo processes: dev tokens (valid on every silo, same signing key), and
/// requests sent to one silo or, for reservations, retried on the next silo with the same
/// Idempotency-Key when a silo fails (5xx, refused connection, timeout).
/// </summary>
public sealed class ParkingApi : IDisposable
{
    public const string Compound = "demo-small";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<Uri, HttpClient> _clients = new();
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);

    /// <summary>Per-attempt timeout: shorter than Orleans' 30 s response timeout, so a stuck call is retried elsewhere.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public static string CompoundPath(string relative) => $"/api/compounds/{Compound}/{relative.TrimStart('/')}";

    public HttpClient Client(Uri silo) => _clients.GetOrAdd(silo, s => new HttpClient { BaseAddress = s, Timeout = AttemptTimeout });

    /// <summary>A dev token for a demo user from <paramref name="silo"/>; cached (tokens last 12 h).</summary>
    public async Task<string> TokenAsync(Uri silo, string userId)
    {
        if (_tokens.TryGetValue(userId, out var cached))
        {
            return cached;
        }

        using var response = await Client(silo).PostAsJsonAsync(new Uri("/api/dev/token", UriKind.Relative), new DevTokenRequest(Compound, userId), Json);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"dev token for {userId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var token = (await response.Content.ReadFromJsonAsync<DevTokenResponse>(Json))!.AccessToken;
        _tokens[userId] = token;
        return token;
    }

    public string Token(string userId) => _tokens.TryGetValue(userId, out var token) ? token : throw new InvalidOperationException($"No token for {userId} yet.");

    public async Task<HttpResponseMessage> SendAsync(Uri silo, HttpMethod method, string path, string userId, object? body = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(userId));
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        return await Client(silo).SendAsync(request);
    }

    /// <summary>
    /// Reserves through <paramref name="silos"/>[<paramref name="first"/>], and on a 5xx, a refused
    /// connection or a timeout tries the next silo with the same Idempotency-Key, up to
    /// <paramref name="attempts"/> times. Acknowledged means a 2xx was received.
    /// </summary>
    public async Task<ReserveAttempt> ReserveAsync(
        IReadOnlyList<Uri> silos,
        int first,
        string residentId,
        string spaceId,
        DateTimeOffset start,
        DateTimeOffset end,
        string idempotencyKey,
        int attempts = 6,
        CancellationToken cancellationToken = default)
    {
        ReserveAttempt last = new(null, null, null, null, "not tried");
        for (var attempt = 0; attempt < attempts && !cancellationToken.IsCancellationRequested; attempt++)
        {
            var silo = silos[(first + attempt) % silos.Count];
            try
            {
                using var response = await SendAsync(silo, HttpMethod.Post, CompoundPath("reservations"), residentId, new ReserveRequest(spaceId, start, end, null), idempotencyKey);
                var raw = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    var dto = JsonSerializer.Deserialize<ReservationDto>(raw, Json)!;
                    return new ReserveAttempt(
                        new Acknowledged(dto.Id, residentId, dto.SpaceId, dto.Start, dto.End, DateTimeOffset.UtcNow, silo.ToString()),
                        response.StatusCode,
                        null,
                        response.Content.Headers.ContentType?.MediaType,
                        raw);
                }

                last = new ReserveAttempt(null, response.StatusCode, ProblemCode(raw), response.Content.Headers.ContentType?.MediaType, raw);
                if ((int)response.StatusCode < 500)
                {
                    return last;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                last = new ReserveAttempt(null, null, null, null, $"{silo}: {exception.GetType().Name}: {exception.Message}");
                if (exception is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } && attempt + 1 < silos.Count)
                {
                    // Nothing listens there any more (a killed silo): the next silo at once, as a load balancer would.
                    continue;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 * (attempt + 1)), CancellationToken.None);
        }

        return last;
    }

    public async Task<T> GetOkAsync<T>(Uri silo, string path, string userId)
    {
        using var response = await SendAsync(silo, HttpMethod.Get, path, userId);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {silo}{path.TrimStart('/')} as {userId}: {(int)response.StatusCode} {raw}");
        return JsonSerializer.Deserialize<T>(raw, Json)!;
    }

    public Task<LotOccupancyDto> OccupancyAsync(Uri silo, string lotId) =>
        GetOkAsync<LotOccupancyDto>(silo, CompoundPath($"lots/{lotId}/occupancy"), "staff01");

    public static string? ProblemCode(string raw)
    {
        try
        {
            using var document = JsonDocument.Parse(raw);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
