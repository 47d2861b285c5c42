using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Parking.Contracts;

namespace Parking.Bench;

/// <summary>A signed-in demo user: the token for the hub and the header for HTTP.</summary>
internal sealed record Credential(string UserId, string Token)
{
    public AuthenticationHeaderValue Header { get; } = new("Bearer", Token);
}

/// <summary>How one request ended, for counting.</summary>
internal enum RequestOutcome
{
    Ok,
    Conflict,
    Failed,
}

/// <summary>The HTTP side of the platform as the bench uses it, over one shared connection pool.</summary>
internal sealed class ParkingApi : IDisposable
{
    public const string CompoundId = "chengshangcheng";
    public const int Buildings = 23;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;

    public ParkingApi(Uri baseAddress, int maxConnections)
    {
        BaseAddress = baseAddress;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public Uri BaseAddress { get; }

    public static string CompoundPath => $"/api/compounds/{CompoundId}";

    public async Task<Credential> SignInAsync(string userId, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(new Uri("/api/dev/token", UriKind.Relative), new DevTokenRequest(CompoundId, userId), Json, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /api/dev/token for '{userId}' answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        var token = await response.Content.ReadFromJsonAsync<DevTokenResponse>(Json, cancellationToken)
            ?? throw new InvalidOperationException("Empty token response.");
        return new Credential(userId, token.AccessToken);
    }

    public async Task<Credential[]> SignInAllAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        var credentials = new Credential[userIds.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, userIds.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) => credentials[i] = await SignInAsync(userIds[i], ct));
        return credentials;
    }

    public async Task<LotSummaryDto[]> GetLotsAsync(Credential user, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{CompoundPath}/lots", UriKind.Relative));
        request.Headers.Authorization = user.Header;
        using var response = await _http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<LotSummaryDto[]>(Json, cancellationToken) ?? [];
    }

    public async Task<LotOccupancyDto> GetOccupancyAsync(Credential staff, string lotId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{CompoundPath}/lots/{lotId}/occupancy", UriKind.Relative));
        request.Headers.Authorization = staff.Header;
        using var response = await _http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<LotOccupancyDto>(Json, cancellationToken)
            ?? throw new InvalidOperationException($"Empty occupancy of lot {lotId}.");
    }

    /// <summary>Any request as <paramref name="user"/>, with an optional JSON body; the caller reads and disposes the answer.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Credential user, object? body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = user.Header;
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        return SendAndDisposeAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAndDisposeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
    }

    /// <summary>One availability search; the body is read (so the connection is reused) but not parsed.</summary>
    public async Task<RequestOutcome> SearchAsync(Credential user, string query, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{CompoundPath}/availability?{query}", UriKind.Relative));
        request.Headers.Authorization = user.Header;
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK ? RequestOutcome.Ok : RequestOutcome.Failed;
    }

    /// <summary>Reserves a space; on 201 returns the reservation id (from the Location header), on failure the problem code.</summary>
    public async Task<(RequestOutcome Outcome, string? ReservationId, string? Problem)> ReserveAsync(Credential resident, Booking booking, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{CompoundPath}/reservations", UriKind.Relative))
        {
            Content = JsonContent.Create(new ReserveRequest(booking.SpaceId, booking.Start, booking.End, null), options: Json),
        };
        request.Headers.Authorization = resident.Header;
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            var location = response.Headers.Location?.OriginalString;
            var id = location is null ? null : location[(location.LastIndexOf('/') + 1)..];
            return (RequestOutcome.Ok, id, null);
        }

        var problem = await ProblemCodeAsync(response, cancellationToken);
        return (response.StatusCode == HttpStatusCode.Conflict ? RequestOutcome.Conflict : RequestOutcome.Failed, null, problem);
    }

    /// <summary>Cancels as <paramref name="user"/>; a 429 is retried after its Retry-After (a few times), so the cleanup completes.</summary>
    public async Task<bool> CancelAsync(Credential user, string reservationId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{CompoundPath}/reservations/{Uri.EscapeDataString(reservationId)}/cancel", UriKind.Relative));
            request.Headers.Authorization = user.Header;
            using var response = await _http.SendAsync(request, cancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests || attempt >= 5)
            {
                return response.IsSuccessStatusCode;
            }

            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    public static string SearchQuery(DateTimeOffset start, DateTimeOffset end, string? kind, string? nearBuilding, int limit)
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"start={Uri.EscapeDataString(start.ToString("O", CultureInfo.InvariantCulture))}&end={Uri.EscapeDataString(end.ToString("O", CultureInfo.InvariantCulture))}&limit={limit}");
        if (kind is not null)
        {
            query += "&kind=" + kind;
        }

        if (nearBuilding is not null)
        {
            query += "&nearBuilding=" + nearBuilding;
        }

        return query;
    }

    public void Dispose() => _http.Dispose();

    private static async Task<string> ProblemCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? $"{status} {code.GetString()}"
                : status;
        }
        catch (JsonException)
        {
            return status;
        }
    }
}
