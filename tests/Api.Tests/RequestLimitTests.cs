using System.Net;
using System.Net.Http.Json;
using System.Text;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// One caller cannot make the service do unbounded work: past their budget they get 429 problem details
/// with Retry-After, other callers are served, and a refused request changes nothing. Product defaults only.
/// </summary>
[Collection(SharedHostCollection.Name)]
public sealed class RequestLimitTests(SharedHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    [Fact]
    public async Task A_user_past_their_budget_gets_429_with_retry_after_and_others_are_still_served()
    {
        const string flooder = "r00057";
        var start = _host.Now.AddHours(30);

        // Far more at once than the default burst (100) plus what refills while they run.
        var responses = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ =>
            _host.GetAsync(ParkingHost.CompoundPath($"availability?start={ParkingHost.Q(start)}&end={ParkingHost.Q(start.AddHours(1))}"), flooder, waitOutRateLimit: false)));
        try
        {
            var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.NotEmpty(limited);
            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
            foreach (var response in limited.Take(5))
            {
                Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "429 without a Retry-After of at least a second");
                await ProblemAssert.Expect(response, HttpStatusCode.TooManyRequests, "rate-limited", null);
            }
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        // Another resident is counted on their own.
        var other = await _host.SearchAsync("r00058", start, start.AddHours(1));
        Assert.NotNull(other);
    }

    [Fact]
    public async Task A_reservation_refused_for_the_rate_is_not_made()
    {
        const string flooder = "r00056";
        var start = _host.Now.AddDays(2);

        // 300 attempts at once on one space in distinct windows, each with its own Idempotency-Key: the
        // resident's limit of active reservations admits three, the rate refuses many of the rest.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            var window = start.AddHours(i);
            using var response = await _host.ReserveAsync(flooder, "T1-002", window, window.AddHours(1), idempotencyKey: $"flood-{i}", waitOutRateLimit: false);
            var created = response.StatusCode == HttpStatusCode.Created
                ? await response.Content.ReadFromJsonAsync<ReservationDto>(ParkingHost.Json)
                : null;
            return (response.StatusCode, created);
        }));

        Assert.Contains(attempts, a => a.StatusCode == HttpStatusCode.TooManyRequests);
        var made = attempts.Where(a => a.created is not null).Select(a => a.created!.Id).Order(StringComparer.Ordinal).ToList();
        var mine = (await MineOnceAllowedAsync(flooder)).Where(r => r.SpaceId == "T1-002").Select(r => r.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(made, mine);
    }

    /// <summary>Reads the resident's reservations as a well-behaved client does: waiting out a 429 as Retry-After says.</summary>
    private async Task<ReservationDto[]> MineOnceAllowedAsync(string residentId)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            using var response = await _host.GetAsync(ParkingHost.CompoundPath("reservations/mine"), residentId, waitOutRateLimit: false);
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return (await response.Content.ReadFromJsonAsync<ReservationDto[]>(ParkingHost.Json))!;
            }

            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }

        throw new Xunit.Sdk.XunitException($"{residentId} was still refused for the rate after 30 waits.");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_it_is_read()
    {
        var huge = "{\"spaceId\":\"G1-004\",\"plate\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";

        // The server answers 413 from the declared length and closes the connection without reading the body. A
        // client that writes the body at once can lose that race (a broken pipe while writing), so this one asks
        // first with Expect: 100-continue and waits for the answer, as a careful uploader does.
        using var handler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) };
        using var client = new HttpClient(handler) { BaseAddress = _host.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ParkingHost.CompoundPath("reservations"), UriKind.Relative))
        {
            Content = new StringContent(huge, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await _host.TokenFor("r00055"));
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await _host.MineAsync("r00055"));
    }

    [Fact]
    public async Task A_device_past_its_budget_gets_429_and_another_device_is_still_answered()
    {
        // Unsigned camera events: each is refused by the endpoint (401) unless the per-device limit refuses it first.
        static Uri Events(string deviceId) => new(ParkingHost.CompoundPath($"gates/{deviceId}/events"), UriKind.Relative);
        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ =>
            _host.Http.PostAsync(Events("limit-flood-gate"), new StringContent("{}", Encoding.UTF8, "application/json"))));
        try
        {
            var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.True(limited.Count > 0, "300 events at once from one device, none limited (default burst 60).");
            Assert.True(limited[0].Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "429 without a Retry-After of at least a second");
            await ProblemAssert.Expect(limited[0], HttpStatusCode.TooManyRequests, "rate-limited", null);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        // Another gate is counted on its own: its event reaches the endpoint (and is refused there, unsigned).
        using var other = await _host.Http.PostAsync(Events("limit-other-gate"), new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
    }
}
