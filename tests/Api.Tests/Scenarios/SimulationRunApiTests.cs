using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests.Scenarios;

/// <summary>Simulation runs over HTTP, with progress over the real SignalR client. Runs are tiny: the small compound, one day.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class SimulationRunApiTests(SharedHostFixture fixture)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);
    private static readonly string ScenariosPath = ParkingHost.CompoundPath("scenarios");
    private readonly ParkingHost _host = fixture.Host;

    private async Task<SimulationRunDto> StartOk(string scenarioId, int version, SimulationRunRequestDto body, string userId = "committee01")
    {
        using var response = await _host.SendAsync(HttpMethod.Post, $"{ScenariosPath}/{scenarioId}/versions/{version}/runs", userId, body);
        await ParkingHost.Expect(response, HttpStatusCode.Accepted);
        Assert.NotNull(response.Headers.Location);
        return (await response.Content.ReadFromJsonAsync<SimulationRunDto>(ParkingHost.Json))!;
    }

    /// <summary>Reads the run until it is final (each read is cheap; the wait is bounded).</summary>
    private async Task<SimulationRunDetailDto> Final(string scenarioId, string runId)
    {
        var deadline = DateTimeOffset.UtcNow + RunTimeout;
        while (true)
        {
            var detail = await _host.GetOkAsync<SimulationRunDetailDto>($"{ScenariosPath}/{scenarioId}/runs/{runId}", "committee01");
            if (detail.Run.Status.WireName() is "completed" or "cancelled" or "failed")
            {
                return detail;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"Run {runId} still {detail.Run.Status.WireName()} after {RunTimeout}.");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_one_day_run_of_a_scenario_and_of_today_complete_push_progress_and_compare()
    {
        using var created = await _host.SendAsync(HttpMethod.Post, ScenariosPath, "committee01", new ScenarioBody(
            "Longer grace", null, null, new ScenarioRulesDto { ReservationGraceMinutes = 30, SharingOwnersShare = 1 }));
        await ParkingHost.Expect(created, HttpStatusCode.Created);
        var scenario = (await created.Content.ReadFromJsonAsync<ScenarioDto>(ParkingHost.Json))!.Summary;

        await using var hub = await _host.ConnectHubAsync("committee02");
        var completed = new TaskCompletionSource<SimulationRunDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var subscription = hub.Connection.On<SimulationRunDto>(nameof(IParkingClient.SimulationProgress), run =>
        {
            lock (ids)
            {
                if (ids.Contains(run.Id) && run.Status.WireName() == "completed")
                {
                    completed.TrySetResult(run);
                }
            }
        });

        var live = await StartOk("live", 0, new SimulationRunRequestDto(1, 7, new SimulationDemandDto("synthetic")));
        lock (ids)
        {
            ids.Add(live.Id);
        }

        Assert.Equal(("live", 0, 1, 7), (live.ScenarioId, live.Version, live.Days, live.Seed));
        var pushed = await completed.Task.WaitAsync(RunTimeout);
        Assert.Equal((live.Id, 1, 1.0), (pushed.Id, pushed.DaysDone, pushed.Fraction));

        var liveResult = await Final("live", live.Id);
        Assert.Equal("completed", liveResult.Run.Status.WireName());
        Assert.NotNull(liveResult.Result);
        Assert.Equal((1, 7, "synthetic"), (liveResult.Result!.Days, liveResult.Result.Seed, liveResult.Result.DemandSource));
        Assert.True(liveResult.Result.Parking.Requests > 0, "A day of demand in the small compound asks for stays.");
        Assert.Equal(24, liveResult.Result.Charts.OccupancyByHour.Count);
        // Moves (plug-ins at a later turn) are served for the run and for each area; the run's are its areas'.
        Assert.Equal(liveResult.Result.Charging.Areas.Sum(a => a.Moves), liveResult.Result.Charging.Moves);

        var scenarioRun = await StartOk(scenario.Id, 1, new SimulationRunRequestDto(1, 7, null), "staff01");
        var scenarioResult = await Final(scenario.Id, scenarioRun.Id);
        Assert.Equal("completed", scenarioResult.Run.Status.WireName());
        Assert.Contains(await _host.GetOkAsync<SimulationRunDto[]>($"{ScenariosPath}/{scenario.Id}/runs", "committee01"), r => r.Id == scenarioRun.Id);
        Assert.DoesNotContain(await _host.GetOkAsync<SimulationRunDto[]>($"{ScenariosPath}/{scenario.Id}/runs", "committee01"), r => r.Id == live.Id);

        var comparison = await _host.GetOkAsync<SimulationComparisonDto>(ParkingHost.CompoundPath($"simulations/compare?runs={live.Id},{scenarioRun.Id}"), "committee01");
        Assert.Equal([live.Id, scenarioRun.Id], comparison.Runs.Select(r => r.Run.Id));
        Assert.All(comparison.Runs, r => Assert.NotNull(r.Result));

        using var csv = await _host.GetAsync($"{ScenariosPath}/live/runs/{live.Id}/report.csv", "committee01");
        await ParkingHost.Expect(csv, HttpStatusCode.OK);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".csv", csv.Content.Headers.ContentDisposition?.FileName, StringComparison.Ordinal);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.StartsWith("scenario,metric,value", text.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Contains("scenario,hour,occupancyPercent", text, StringComparison.Ordinal);

        using var both = await _host.GetAsync(ParkingHost.CompoundPath($"simulations/report.csv?runs={live.Id},{scenarioRun.Id}"), "committee01");
        await ParkingHost.Expect(both, HttpStatusCode.OK);
        var comparedText = await both.Content.ReadAsStringAsync();
        Assert.Contains($"({live.Id})", comparedText, StringComparison.Ordinal);
        Assert.Contains($"({scenarioRun.Id})", comparedText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_run_stops_and_keeps_no_result()
    {
        // Sixty simulated days of 5,000 households (the small compound's 60 repeated): minutes of work, against
        // the one call between start and cancel.
        var run = await StartOk("live", 0, new SimulationRunRequestDto(60, 3, new SimulationDemandDto("synthetic", Households: 5000)));

        using (var cancel = await _host.SendAsync(HttpMethod.Delete, $"{ScenariosPath}/live/runs/{run.Id}", "committee01"))
        {
            await ParkingHost.Expect(cancel, HttpStatusCode.OK);
            var cancelled = (await cancel.Content.ReadFromJsonAsync<SimulationRunDto>(ParkingHost.Json))!;
            Assert.Equal("cancelled", cancelled.Status.WireName());
            Assert.Contains("committee01", cancelled.Note, StringComparison.Ordinal);
        }

        var detail = await Final("live", run.Id);
        Assert.Equal("cancelled", detail.Run.Status.WireName());
        Assert.Null(detail.Result);
        Assert.True(detail.Run.DaysDone < 60);

        // The worker stopped: the next run gets a core (a silo runs half its cores' worth at once) and completes.
        var next = await StartOk("live", 0, new SimulationRunRequestDto(1, 4, null));
        Assert.Equal("completed", (await Final("live", next.Id)).Run.Status.WireName());

        using var csv = await _host.GetAsync($"{ScenariosPath}/live/runs/{run.Id}/report.csv", "committee01");
        await ProblemAssert.Expect(csv, HttpStatusCode.Conflict, "run-not-completed");
        using var compare = await _host.GetAsync(ParkingHost.CompoundPath($"simulations/compare?runs={run.Id},{run.Id}x"), "committee01");
        await ProblemAssert.Expect(compare, HttpStatusCode.BadRequest, "run-not-completed", "runs");
    }

    public static TheoryData<int?, string?, double?, string> BadRuns => new()
    {
        { 0, "synthetic", null, "days" },
        { 61, "synthetic", null, "days" },
        { null, "synthetic", null, "days" },
        { 1, "guessed", null, "demand.source" },
        { 1, "synthetic", 1.5, "demand.evShare" },
        { 1, "synthetic", -1, "demand.evShare" },
    };

    [Theory]
    [MemberData(nameof(BadRuns))]
    public async Task Bad_runs_are_refused_naming_the_field_and_start_nothing(int? days, string? source, double? evShare, string field)
    {
        var before = (await _host.GetOkAsync<SimulationRunDto[]>(ParkingHost.CompoundPath("simulations/runs"), "committee01")).Length;

        using var response = await _host.SendAsync(HttpMethod.Post, $"{ScenariosPath}/live/versions/0/runs", "committee01", new SimulationRunRequestDto(days, 1, new SimulationDemandDto(source, EvShare: evShare)));

        await ProblemAssert.Expect(response, HttpStatusCode.BadRequest, field: field);
        Assert.Equal(before, (await _host.GetOkAsync<SimulationRunDto[]>(ParkingHost.CompoundPath("simulations/runs"), "committee01")).Length);
    }

    [Fact]
    public async Task Residents_may_not_run_or_read_simulations_and_unknown_versions_are_404()
    {
        using (var start = await _host.SendAsync(HttpMethod.Post, $"{ScenariosPath}/live/versions/0/runs", "r00003", new SimulationRunRequestDto(1, 1, null)))
        {
            await ProblemAssert.Expect(start, HttpStatusCode.Forbidden);
        }

        using (var list = await _host.GetAsync(ParkingHost.CompoundPath("simulations/runs"), "r00003"))
        {
            await ProblemAssert.Expect(list, HttpStatusCode.Forbidden);
        }

        using (var compare = await _host.GetAsync(ParkingHost.CompoundPath("simulations/compare?runs=a,b"), "r00003"))
        {
            await ProblemAssert.Expect(compare, HttpStatusCode.Forbidden);
        }

        using (var unknown = await _host.SendAsync(HttpMethod.Post, $"{ScenariosPath}/live/versions/3/runs", "committee01", new SimulationRunRequestDto(1, 1, null)))
        {
            await ProblemAssert.Expect(unknown, HttpStatusCode.NotFound, "scenario-version-not-found");
        }

        using (var missing = await _host.GetAsync($"{ScenariosPath}/live/runs/run-nope", "committee01"))
        {
            await ProblemAssert.Expect(missing, HttpStatusCode.NotFound, "run-not-found");
        }
    }
}
