using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Parking.Contracts;
using Parking.Grains.Notifications;
using Xunit;

namespace Parking.Api.Tests.Infrastructure;

/// <summary>
/// A started <see cref="ParkingAppFactory"/> with an HTTP client on its real address, a cache of dev
/// tokens, and helpers that speak the API's wire format.
/// </summary>
public sealed class ParkingHost : IAsyncDisposable
{
    public const string Compound = "demo-small";

    /// <summary>How long a silo's push notifier trusts its copy of the hub directory (HubDirectoryCopy.MaxAge is 2 s).</summary>
    private static readonly TimeSpan NotifierCacheLifetime = TimeSpan.FromSeconds(2.5);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, Task<string>> _tokens = new(StringComparer.Ordinal);

    private ParkingHost(ParkingAppFactory factory)
    {
        Factory = factory;
        Http = new HttpClient { BaseAddress = factory.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public ParkingAppFactory Factory { get; }

    public HttpClient Http { get; }

    public FakeTimeProvider Time => Factory.Time;

    public DateTimeOffset Now => Time.GetUtcNow();

    public IGrainFactory Grains => Factory.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The settings of a host another will join: grain state in the memory storage's grains, which every silo reads.</summary>
    public static readonly IReadOnlyDictionary<string, string> Joinable = new Dictionary<string, string> { ["Parking:Cluster:InProcessStorage"] = "false" };

    /// <summary>A fake clock a few hours behind the real one, on a whole minute, so it can be moved forward without tokens looking "not yet valid".</summary>
    public static FakeTimeProvider NewClock()
    {
        var now = DateTimeOffset.UtcNow.AddHours(-6);
        return new FakeTimeProvider(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero));
    }

    /// <summary>
    /// Starts a host and waits until it is ready and its hub observer is in the cluster's directory
    /// (<paramref name="expectedHubHosts"/> entries), plus the notifiers' cache lifetime, so that no push
    /// published from now on misses a registered host.
    /// </summary>
    public static async Task<ParkingHost> StartAsync(
        FakeTimeProvider clock,
        int? primarySiloPort = null,
        int expectedHubHosts = 1,
        IReadOnlyDictionary<string, string>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var factory = new ParkingAppFactory(clock, primarySiloPort, settings, services);
        try
        {
            factory.Start();
            var host = new ParkingHost(factory);
            await host.WaitUntilReadyAsync(expectedHubHosts);
            return host;
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    public async Task WaitUntilReadyAsync(int expectedHubHosts)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            using var ready = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            var observers = await Grains.GetGrain<IHubDirectoryGrain>(0).GetObservers();
            if (ready.StatusCode == HttpStatusCode.OK && observers.Count >= expectedHubHosts)
            {
                break;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Host not ready: /health/ready {(int)ready.StatusCode}, {observers.Count} of {expectedHubHosts} hub hosts registered.");
            }

            await Task.Delay(100);
        }

        await Task.Delay(NotifierCacheLifetime);
    }

    public Task<string> TokenFor(string userId) => _tokens.GetOrAdd(userId, async id =>
    {
        using var response = await Http.PostAsJsonAsync(new Uri("/api/dev/token", UriKind.Relative), new DevTokenRequest(Compound, id), Json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<DevTokenResponse>(Json);
        return body!.AccessToken;
    });

    public static string CompoundPath(string relative) => $"/api/compounds/{Compound}/{relative.TrimStart('/')}";

    /// <summary>
    /// Sends as <paramref name="userId"/> (a dev token) or with <paramref name="bearerToken"/>, and waits out a 429 as its
    /// Retry-After says and sends again, as a careful client does: the tests of one shared host sign in as the same staff
    /// and committee members many times, and the product's per-user budget (100 at once, 20 a second) is counted on the
    /// real clock, so a class that runs fast would otherwise meet it by chance. The limiter refuses before the endpoint
    /// runs, so sending again changes nothing twice. Tests of the limit itself pass <paramref name="waitOutRateLimit"/>
    /// <c>false</c>; a body given as <see cref="HttpContent"/> is sent once.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string path,
        string? userId,
        object? body = null,
        string? idempotencyKey = null,
        string? bearerToken = null,
        bool waitOutRateLimit = true)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await SendOnceAsync(method, path, userId, body, idempotencyKey, bearerToken);
            if (!waitOutRateLimit || response.StatusCode != HttpStatusCode.TooManyRequests || body is HttpContent || attempt == 30)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        HttpMethod method,
        string path,
        string? userId,
        object? body,
        string? idempotencyKey,
        string? bearerToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        var token = bearerToken ?? (userId is null ? null : await TokenFor(userId));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        request.Content = body switch
        {
            null => null,
            HttpContent content => content,
            _ => JsonContent.Create(body, body.GetType(), options: Json),
        };
        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? userId, string? bearerToken = null, bool waitOutRateLimit = true) =>
        SendAsync(HttpMethod.Get, path, userId, bearerToken: bearerToken, waitOutRateLimit: waitOutRateLimit);

    public async Task<T> GetOkAsync<T>(string path, string userId)
    {
        using var response = await GetAsync(path, userId);
        await Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public Task<HttpResponseMessage> ReserveAsync(string userId, string spaceId, DateTimeOffset start, DateTimeOffset end, string? plate = null, string? idempotencyKey = null, bool waitOutRateLimit = true) =>
        SendAsync(HttpMethod.Post, CompoundPath("reservations"), userId, new ReserveRequest(spaceId, start, end, plate), idempotencyKey, waitOutRateLimit: waitOutRateLimit);

    /// <summary>Reserves and insists on 201.</summary>
    public async Task<ReservationDto> ReserveOkAsync(string userId, string spaceId, DateTimeOffset start, DateTimeOffset end, string? plate = null)
    {
        using var response = await ReserveAsync(userId, spaceId, start, end, plate);
        await Expect(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<ReservationDto>(Json))!;
    }

    /// <summary>POSTs a reservation command (cancel, check-in, check-out).</summary>
    public Task<HttpResponseMessage> CommandAsync(string userId, string reservationId, string command) =>
        SendAsync(HttpMethod.Post, CompoundPath($"reservations/{Uri.EscapeDataString(reservationId)}/{command}"), userId);

    public async Task<ReservationDto> CommandOkAsync(string userId, string reservationId, string command)
    {
        using var response = await CommandAsync(userId, reservationId, command);
        await Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<ReservationDto>(Json))!;
    }

    public Task<ReservationDto[]> MineAsync(string userId) => GetOkAsync<ReservationDto[]>(CompoundPath("reservations/mine"), userId);

    public Task<LotOccupancyDto> OccupancyAsync(string lotId, string staffId = "staff01") =>
        GetOkAsync<LotOccupancyDto>(CompoundPath($"lots/{lotId}/occupancy"), staffId);

    public async Task<SpaceOccupancyDto> SpaceAsync(string spaceId, string staffId = "staff01")
    {
        var lotId = spaceId.Split('-')[0];
        var occupancy = await OccupancyAsync(lotId, staffId);
        return Assert.Single(occupancy.Spaces, s => s.SpaceId == spaceId);
    }

    public Task<AvailabilityResultDto> SearchAsync(string userId, DateTimeOffset start, DateTimeOffset end) =>
        GetOkAsync<AvailabilityResultDto>(CompoundPath($"availability?start={Q(start)}&end={Q(end)}&limit=100"), userId);

    public Task<HubClient> ConnectHubAsync(string userId) => ConnectHubWithTokenAsync(TokenFor(userId));

    /// <summary>A hub client speaking the MessagePack hub protocol (the server offers it beside JSON).</summary>
    public async Task<HubClient> ConnectMessagePackHubAsync(string userId) =>
        await HubClient.ConnectAsync(Factory.BaseAddress, await TokenFor(userId), messagePack: true);

    public async Task<HubClient> ConnectHubWithTokenAsync(Task<string> token) =>
        await HubClient.ConnectAsync(Factory.BaseAddress, await token);

    /// <summary>A query-string value: ISO 8601 with its offset, escaped (a '+' would read as a space).</summary>
    public static string Q(DateTimeOffset instant) => Uri.EscapeDataString(instant.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>Asserts the status, showing the body when it differs.</summary>
    public static async Task Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Expected {(int)status} {status} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Factory.DisposeAsync();
    }
}
