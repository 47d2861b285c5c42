using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Grains;
using Xunit;

namespace Parking.Api.Tests.Limits;

/// <summary>
/// Bounds on the work one caller can queue: watches per hub connection and simulation runs per compound. Each
/// refused call changes nothing; the places are counted by one decider, so callers racing for the last place
/// cannot both take it.
/// </summary>
[Collection(SharedHostCollection.Name)]
public sealed class WorkLimitTests(SharedHostFixture fixture)
{
    private static readonly string RunsPath = ParkingHost.CompoundPath("scenarios/live");
    private readonly ParkingHost _host = fixture.Host;

    [Fact]
    public async Task A_connection_past_its_watch_limit_is_refused_and_keeps_the_watches_it_has()
    {
        // An operator who allows two watches per connection (the default is 64, more than the small compound has to watch).
        await using var host = await ParkingHost.StartAsync(ParkingHost.NewClock(), settings: new Dictionary<string, string>
        {
            ["Parking:Limits:MaxWatchesPerConnection"] = "2",
        });
        var shelter = (await host.Grains.Compound(ParkingHost.Compound).GetShelters())[0].ShelterId;
        await using var staff = await host.ConnectHubAsync("staff01");
        await staff.WatchLotAsync("G1");
        await staff.WatchLotAsync("T1");

        var refused = await Assert.ThrowsAsync<HubException>(() =>
            staff.Connection.InvokeAsync<ShelterDto>(ParkingHub.WatchShelter, ParkingHost.Compound, shelter));
        Assert.Contains("Too many watches", refused.Message, StringComparison.Ordinal);
        Assert.Contains("at most 2", refused.Message, StringComparison.Ordinal);

        // Watching a lot again takes no new place; the watches it holds still push.
        await staff.WatchLotAsync("G1");
        var start = host.Now.AddHours(5);
        var space = (await host.SearchAsync("r00031", start, start.AddHours(1))).Spaces.First(s => s.LotId == "T1").SpaceId;
        var booked = await host.ReserveOkAsync("r00031", space, start, start.AddHours(1));
        await staff.WaitForLotChangeAsync(c => c.Space?.SpaceId == booked.SpaceId, "the change of a watched lot");

        // Giving one back frees its place.
        await staff.Connection.InvokeAsync(ParkingHub.UnwatchLot, ParkingHost.Compound, "T1");
        var watched = await staff.Connection.InvokeAsync<ShelterDto>(ParkingHub.WatchShelter, ParkingHost.Compound, shelter);
        Assert.Equal(shelter, watched.ShelterId);
    }

    [Fact]
    public async Task Simultaneous_starts_never_take_more_places_than_a_compound_has_for_runs()
    {
        var before = await _host.GetOkAsync<SimulationRunDto[]>(ParkingHost.CompoundPath("simulations/runs"), "committee01");
        var activeBefore = before.Count(r => r.Status.WireName() is "queued" or "running");

        // Six long runs asked at the same instant: at most four may be queued or running in one compound.
        var body = new SimulationRunRequestDto(60, 11, new SimulationDemandDto("synthetic", Households: 5000));
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            _host.SendAsync(HttpMethod.Post, $"{RunsPath}/versions/0/runs", "committee01", body)));
        var started = new List<SimulationRunDto>();
        try
        {
            foreach (var response in responses)
            {
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    started.Add((await response.Content.ReadFromJsonAsync<SimulationRunDto>(ParkingHost.Json))!);
                }
                else
                {
                    await ProblemAssert.Expect(response, HttpStatusCode.Conflict, "too-many-runs");
                }
            }

            Assert.True(started.Count <= Math.Max(0, SimulationRunLimit - activeBefore), $"{started.Count} runs started beside {activeBefore} active ones; the limit is {SimulationRunLimit}.");
            Assert.True(responses.Length - started.Count >= 2, "Six at once against a limit of four: at least two are refused.");

            // A refused start left nothing behind: the compound lists only the runs that started.
            var after = await _host.GetOkAsync<SimulationRunDto[]>(ParkingHost.CompoundPath("simulations/runs"), "committee01");
            Assert.Equal(before.Length + started.Count, after.Length);
            Assert.True(after.Count(r => r.Status.WireName() is "queued" or "running") <= SimulationRunLimit);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }

            foreach (var run in started)
            {
                using var cancel = await _host.SendAsync(HttpMethod.Delete, $"{RunsPath}/runs/{run.Id}", "committee01");
                await ParkingHost.Expect(cancel, HttpStatusCode.OK);
            }
        }
    }

    private const int SimulationRunLimit = Parking.Grains.Scenarios.SimulationRunGrain.MaxActiveRunsPerCompound;
}
