using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Rounds;
using Parking.Domain.Seeding;
using Parking.Domain.Rebalancing;
using Parking.Grains.Rebalancing;
using Xunit;

namespace Parking.Api.Tests.Limits;

/// <summary>
/// The quotas on what one caller may leave queued in the service: open charging requests per driver and area, and
/// rebalancing proposals being worked out per compound, and waitlist entries per resident (on a kind whose every space
/// is blocked, since joining the waitlist books at once whenever a space is free). Past each, the answer is
/// 409 problem details naming the limit, and what the caller had before is exactly what they have after. Each
/// test runs on a host of its own, so nothing else queues in its compound meanwhile.
/// </summary>
public sealed class QueueLimitTests
{
    private const string Driver = "r00020";

    [Fact]
    public async Task A_driver_past_their_open_charging_requests_is_refused_and_keeps_the_ones_they_have()
    {
        await using var host = await ParkingHost.StartAsync(ParkingHost.NewClock());
        var path = ParkingHost.CompoundPath("charging/areas/CA-G1/requests");
        var limit = host.Factory.Services.GetRequiredService<IOptions<ChargingPolicy>>().Value.MaxActivePerDriver;
        for (var i = 0; i < limit; i++)
        {
            using var accepted = await host.SendAsync(HttpMethod.Post, path, Driver, Body(host, i));
            await ParkingHost.Expect(accepted, HttpStatusCode.Created);
        }

        // The area plans in the background: compare the requests as planned, before and after the refusal.
        var before = await PlannedMineAsync(host);
        Assert.Equal(limit, before.Length);

        using (var refused = await host.SendAsync(HttpMethod.Post, path, Driver, Body(host, limit)))
        {
            await ProblemAssert.Expect(refused, HttpStatusCode.Conflict, "charging-request-limit");
        }

        Assert.Equal(Describe(before), Describe(await PlannedMineAsync(host)));

        // Withdrawing one frees its place.
        using (var withdrawn = await host.SendAsync(HttpMethod.Delete, $"{path}/{before[0].Id}", Driver))
        {
            await ParkingHost.Expect(withdrawn, HttpStatusCode.OK);
        }

        using var again = await host.SendAsync(HttpMethod.Post, path, Driver, Body(host, limit));
        await ParkingHost.Expect(again, HttpStatusCode.Created);

        static ChargingRequestBody Body(ParkingHost host, int car) =>
            new($"沪E2000{car}", 7, null, null, null, null, host.Now.AddHours(6), true);

        static async Task<ChargingRequestDto[]> PlannedMineAsync(ParkingHost host)
        {
            await host.GetOkAsync<ChargingPlanDto>(ParkingHost.CompoundPath("charging/areas/CA-G1/plan?planned=true"), "staff01");
            return await host.GetOkAsync<ChargingRequestDto[]>(ParkingHost.CompoundPath("charging/requests/mine"), Driver);
        }

        static string Describe(IEnumerable<ChargingRequestDto> requests) =>
            string.Join("; ", requests.OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => $"{r.Id} {r.Plate} {r.Status.WireName()} {r.EnergyKwh} {r.Departure:O}"));
    }

    [Fact]
    public async Task Rebalancing_proposals_asked_at_once_never_run_more_than_the_compound_allows()
    {
        await using var host = await ParkingHost.StartAsync(ParkingHost.NewClock());
        var path = ParkingHost.CompoundPath("rebalancing/proposals");

        // Long solves (the most time the API allows, two weeks simulated), four asked at the same instant.
        var body = new RebalancingRequestDto(
            MaxSpaceChanges: 40, MaxNewChargers: 4, Demand: new RebalancingDemandDto("synthetic", CarsPerHousehold: 1.5),
            Days: 14, TimeLimitSeconds: 60);
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.SendAsync(HttpMethod.Post, path, "staff01", body)));
        var started = new List<RebalancingSuggestionDto>();
        try
        {
            foreach (var response in responses)
            {
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    started.Add((await response.Content.ReadFromJsonAsync<RebalancingSuggestionDto>(ParkingHost.Json))!);
                }
                else
                {
                    await ProblemAssert.Expect(response, HttpStatusCode.Conflict, "rebalancing-busy");
                }
            }

            // The requests reach the compound one after another; on a loaded machine a small compound's solve may end
            // (ready, or failed) before the last of them arrives, and then its place is free again. So: at least the
            // allowed number started, at least one was refused, and every start beyond the allowed number is matched by
            // a proposal that had already ended.
            var listed = await host.GetOkAsync<RebalancingSuggestionDto[]>(path, "staff01");
            var ended = listed.Count(s => s.Status != RebalancingStatusDto.Running);
            Assert.InRange(started.Count, RebalancingGrain.MaxRunning, responses.Length - 1);
            Assert.True(started.Count - RebalancingGrain.MaxRunning <= ended,
                $"{started.Count} proposals started while at most {RebalancingGrain.MaxRunning} may run, and only {ended} had ended.");

            // A refused request left nothing behind: the compound lists only the proposals that started.
            Assert.Equal(started.Select(s => s.Id).Order(StringComparer.Ordinal), listed.Select(s => s.Id).Order(StringComparer.Ordinal));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }

            // A small compound's solve may prove its optimum well before the time limit, so a proposal can be
            // ready by the time it is cancelled; the product then refuses the cancel as not running, which is right.
            foreach (var proposal in started)
            {
                using var cancel = await host.SendAsync(HttpMethod.Post, $"{path}/{proposal.Id}/cancel", "staff01");
                if (cancel.StatusCode != HttpStatusCode.OK)
                {
                    await ProblemAssert.Expect(cancel, HttpStatusCode.Conflict, "proposal-not-running");
                }
            }
        }

        // Cancelling frees the places once the cancelled solves have stopped (bounded: at most the solve's own time limit).
        var deadline = DateTimeOffset.UtcNow.AddSeconds(90);
        while (true)
        {
            using var next = await host.SendAsync(HttpMethod.Post, path, "staff01", body with { Days = 1, TimeLimitSeconds = 1 });
            if (next.StatusCode == HttpStatusCode.Accepted || DateTimeOffset.UtcNow > deadline)
            {
                await ParkingHost.Expect(next, HttpStatusCode.Accepted);
                break;
            }

            await ProblemAssert.Expect(next, HttpStatusCode.Conflict, "rebalancing-busy");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_resident_past_their_waitlist_entries_is_refused_and_keeps_the_ones_they_have()
    {
        await using var host = await ParkingHost.StartAsync(ParkingHost.NewClock());
        var path = ParkingHost.CompoundPath("waitlist");
        var limit = host.Factory.Services.GetRequiredService<IOptions<RoundPolicy>>().Value.MaxRequestsPerResident;

        // Every accessible space out of service, so no entry can be served at once and each one stays in line.
        var accessible = DemoCompoundGenerator.Generate(DemoCompoundSize.Small).Lots
            .SelectMany(l => l.Spaces).Where(s => s.Kind == SpaceKind.Accessible).Select(s => s.SpaceId).ToList();
        Assert.NotEmpty(accessible);
        foreach (var space in accessible)
        {
            using var blocked = await host.SendAsync(HttpMethod.Put, ParkingHost.CompoundPath($"spaces/{space}/service"), "staff01", new SpaceServiceBody(true));
            await ParkingHost.Expect(blocked, HttpStatusCode.OK);
        }

        for (var i = 0; i < limit; i++)
        {
            using var joined = await host.SendAsync(HttpMethod.Post, path, Driver, Body(host, i));
            await ParkingHost.Expect(joined, HttpStatusCode.Created);
        }

        var before = await MineAsync(host);
        Assert.Equal(limit, before.Length);

        using (var refused = await host.SendAsync(HttpMethod.Post, path, Driver, Body(host, limit)))
        {
            await ProblemAssert.Expect(refused, HttpStatusCode.Conflict, "round-request-limit");
        }

        Assert.Equal(Describe(before), Describe(await MineAsync(host)));

        // Leaving the waitlist frees a place in it.
        using (var left = await host.SendAsync(HttpMethod.Delete, $"{path}/{before[0].Id}", Driver))
        {
            await ParkingHost.Expect(left, HttpStatusCode.OK);
        }

        using var again = await host.SendAsync(HttpMethod.Post, path, Driver, Body(host, limit));
        await ParkingHost.Expect(again, HttpStatusCode.Created);

        static RoundRequestDto Body(ParkingHost host, int day) =>
            new([new RoundWindowDto(host.Now.AddDays(day + 1), host.Now.AddDays(day + 1).AddHours(2))], null, "accessible", null, null, null);

        static async Task<RoundEntryDto[]> MineAsync(ParkingHost host) =>
            [.. (await host.GetOkAsync<RoundEntryDto[]>(ParkingHost.CompoundPath("waitlist"), Driver)).Where(e => e.ResidentId == Driver)];

        static string Describe(IEnumerable<RoundEntryDto> entries) =>
            string.Join("; ", entries.OrderBy(e => e.Id, StringComparer.Ordinal).Select(e => $"{e.Id} {e.Kind.WireName()} {e.Windows[0].Start:O}"));
    }
}
