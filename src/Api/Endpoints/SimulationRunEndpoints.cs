using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parking.Domain.Simulation;
using Parking.Domain.Scenarios;
using Parking.Grains.Scenarios;

namespace Parking.Api.Endpoints;

/// <summary>
/// Simulation runs of scenario versions (and of today's layout: scenario <c>live</c>, version 0): started as long
/// jobs off the grain scheduler, with progress pushed over the hub, cancellable, their results kept.
/// </summary>
public static class SimulationRunEndpoints
{
    public const int MaxDays = 60;

    /// <summary>The most households a synthetic demand may have (a Kangcheng-sized compound has 14,000).</summary>
    public const int MaxHouseholds = 50_000;

    /// <summary>The most runs one comparison shows.</summary>
    public const int MaxCompared = 6;

    public static RouteGroupBuilder MapSimulationRunEndpoints(this RouteGroupBuilder compound)
    {
        var runs = compound.MapGroup("/scenarios/{scenarioId}")
            .WithTags("Simulations")
            .RequireAuthorization(Policies.Planner);
        runs.MapPost("/versions/{version:int}/runs", Start)
            .WithSummary("Simulate a scenario version (live/versions/0: today's layout) for 1–60 days")
            .WithDescription("Starts a long run and answers 202 at once; progress is pushed to the compound's committee and staff (SimulationProgress) and readable at the run's address.");
        runs.MapGet("/runs", List).WithSummary("A scenario's runs, newest first");
        runs.MapGet("/runs/{runId}", Get).WithSummary("A run, and its result once completed");
        runs.MapDelete("/runs/{runId}", Cancel).WithSummary("Cancel a queued or running run (its partial result is not kept)");
        runs.MapGet("/runs/{runId}/report.csv", Report).WithSummary("A completed run's result as CSV");

        var simulations = compound.MapGroup("/simulations")
            .WithTags("Simulations")
            .RequireAuthorization(Policies.Planner);
        simulations.MapGet("/runs", ListAll).WithSummary("Every run of the compound, newest first");
        simulations.MapGet("/compare", Compare).WithSummary("Runs side by side: ?runs=a,b,c (2 to 6, completed)");
        simulations.MapGet("/report.csv", CompareCsv).WithSummary("Runs side by side as CSV: ?runs=a,b,c");
        return compound;
    }

    public static async Task<Results<Accepted<SimulationRunDto>, ProblemHttpResult>> Start(
        string compoundId, string scenarioId, int version, SimulationRunRequestDto? body, HttpContext http, IGrainFactory grains)
    {
        var order = await ParseOrder(compoundId, scenarioId, version, body, http.CurrentUser().UserId, grains);
        if (order.Value is not { } valid)
        {
            return Problems.From(order.Error!);
        }

        var runId = "run-" + Guid.NewGuid().ToString("N")[..12];
        var started = await grains.SimulationRun(compoundId, runId).Start(valid);
        return started.Value is { } summary
            ? TypedResults.Accepted($"/api/compounds/{compoundId}/scenarios/{scenarioId}/runs/{runId}", summary.ToDto())
            : Problems.From(started.Error!);
    }

    public static async Task<Ok<SimulationRunDto[]>> List(string compoundId, string scenarioId, IGrainFactory grains) =>
        TypedResults.Ok((await grains.ScenarioCatalog(compoundId).ListRuns(scenarioId)).Select(r => r.ToDto()).ToArray());

    public static async Task<Ok<SimulationRunDto[]>> ListAll(string compoundId, IGrainFactory grains) =>
        TypedResults.Ok((await grains.ScenarioCatalog(compoundId).ListRuns(null)).Select(r => r.ToDto()).ToArray());

    public static async Task<Results<Ok<SimulationRunDetailDto>, ProblemHttpResult>> Get(string compoundId, string scenarioId, string runId, IGrainFactory grains)
    {
        var view = await Find(grains, compoundId, scenarioId, runId);
        return view is null ? RunNotFound(runId) : TypedResults.Ok(view.ToDto());
    }

    public static async Task<Results<Ok<SimulationRunDto>, ProblemHttpResult>> Cancel(string compoundId, string scenarioId, string runId, HttpContext http, IGrainFactory grains)
    {
        if (await Find(grains, compoundId, scenarioId, runId) is null)
        {
            return RunNotFound(runId);
        }

        var cancelled = await grains.SimulationRun(compoundId, runId).Cancel(http.CurrentUser().UserId);
        return cancelled.Value is { } summary ? TypedResults.Ok(summary.ToDto()) : Problems.From(cancelled.Error!);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Report(string compoundId, string scenarioId, string runId, IGrainFactory grains)
    {
        var view = await Find(grains, compoundId, scenarioId, runId);
        if (view is null)
        {
            return RunNotFound(runId);
        }

        if (view.Result is not { } result)
        {
            return NotCompleted(view.Summary);
        }

        return Csv(SimulationCsv.Write([(Label(view.Summary), result)]), $"simulation-{runId}.csv");
    }

    public static async Task<Results<Ok<SimulationComparisonDto>, ProblemHttpResult>> Compare(string compoundId, string? runs, IGrainFactory grains)
    {
        var views = await Completed(compoundId, runs, grains);
        return views.Value is { } found
            ? TypedResults.Ok(new SimulationComparisonDto([.. found.Select(v => v.ToDto())]))
            : Problems.From(views.Error!);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> CompareCsv(string compoundId, string? runs, IGrainFactory grains)
    {
        var views = await Completed(compoundId, runs, grains);
        return views.Value is { } found
            ? Csv(SimulationCsv.Write([.. found.Select(v => (Label(v.Summary), v.Result!))]), "simulation-comparison.csv")
            : Problems.From(views.Error!);
    }

    /// <summary>What names a run in a CSV: the scenario's name, its version and the run id.</summary>
    public static string Label(SimulationRunSummary run) =>
        string.Create(CultureInfo.InvariantCulture, $"{run.ScenarioName} v{run.Version} ({run.RunId})");

    private static FileContentHttpResult Csv(string csv, string fileName) =>
        TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), "text/csv; charset=utf-8", fileName);

    /// <summary>The runs named by <paramref name="runs"/> (2 to <see cref="MaxCompared"/>, each completed), in the order named.</summary>
    private static async Task<Outcome<IReadOnlyList<SimulationRunView>>> Completed(string compoundId, string? runs, IGrainFactory grains)
    {
        var ids = (runs ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count is < 2 or > MaxCompared)
        {
            return DomainError.Invalid("runs", "invalid-request", $"runs names 2 to {MaxCompared} run ids, separated by commas.");
        }

        var views = new List<SimulationRunView>();
        foreach (var id in ids)
        {
            var view = await grains.SimulationRun(compoundId, id).Get();
            if (view is null)
            {
                return DomainError.NotFound("run-not-found", $"No run '{id}' in this compound.");
            }

            if (view.Result is null)
            {
                return DomainError.Invalid("runs", "run-not-completed", $"Run {id} is {view.Summary.Status}; only completed runs compare.");
            }

            views.Add(view);
        }

        return views;
    }

    private static async Task<Outcome<SimulationOrder>> ParseOrder(string compoundId, string scenarioId, int version, SimulationRunRequestDto? body, string userId, IGrainFactory grains)
    {
        if (body is null)
        {
            return DomainError.Invalid("body", "invalid-request", "A JSON body with days, seed and demand is required.");
        }

        if (body.Days is not { } days || days < 1 || days > MaxDays)
        {
            return DomainError.Invalid("days", "days-out-of-range", $"days lies between 1 and {MaxDays}.");
        }

        var demand = body.Demand ?? new SimulationDemandDto(SimulationDemandSettings.Synthetic);
        var source = demand.Source ?? SimulationDemandSettings.Synthetic;
        if (source is not (SimulationDemandSettings.Synthetic or SimulationDemandSettings.Recorded))
        {
            return DomainError.Invalid("demand.source", "invalid-request", "demand.source is synthetic or recorded.");
        }

        if (demand.Households is < 1 or > MaxHouseholds)
        {
            return DomainError.Invalid("demand.households", "demand-out-of-range", $"demand.households lies between 1 and {MaxHouseholds}.");
        }

        var settings = new SimulationDemandSettings(source, demand.CarsPerHousehold, demand.EvShare, demand.EbikesPerHousehold, demand.VisitorsPerDay, demand.NoShowRate, demand.Households);
        if (settings.Validate() is { } invalid)
        {
            return DomainError.Invalid($"demand.{invalid.Field}", "demand-out-of-range", $"{invalid.Field} {invalid.Reason}.");
        }

        var found = await ScenarioEndpoints.FindVersion(grains, compoundId, scenarioId, version);
        if (found.Value is not { } scenarioVersion)
        {
            return found.Error!;
        }

        return new SimulationOrder(scenarioId, version, scenarioVersion.Definition, days, body.Seed ?? 1, settings, userId);
    }

    private static async Task<SimulationRunView?> Find(IGrainFactory grains, string compoundId, string scenarioId, string runId)
    {
        var view = await grains.SimulationRun(compoundId, runId).Get();
        return view is not null && view.Summary.ScenarioId == scenarioId ? view : null;
    }

    private static ProblemHttpResult RunNotFound(string runId) =>
        Problems.From(DomainError.NotFound("run-not-found", $"No run '{runId}' of this scenario."));

    private static ProblemHttpResult NotCompleted(SimulationRunSummary run) =>
        Problems.From(DomainError.Conflict("run-not-completed", $"Run {run.RunId} is {run.Status}; only a completed run has a report."));

    public static SimulationRunDetailDto ToDto(this SimulationRunView view) => new(view.Summary.ToDto(), view.Result?.ToDto());

    public static SimulationResultDto ToDto(this SimulationResult r) => new(
        r.Start,
        r.Days,
        r.Seed,
        r.DemandSource,
        new ParkingOutcomeDto(
            r.Parking.Requests, r.Parking.Served, Reasons(r.Parking.Refused), r.Parking.NoShows, r.Parking.MeanWaitMinutes, r.Parking.P95WaitMinutes,
            r.Parking.Fairness, r.Parking.VisitorRequests, r.Parking.VisitorsServed, r.Parking.SharedHoursPublished, r.Parking.SharedHoursBooked,
            r.Parking.SharedUtilizationPercent),
        new ChargingOutcomeDto(
            r.Charging.Requests, r.Charging.Served, Reasons(r.Charging.Refused), r.Charging.NoShows, r.Charging.MeanWaitMinutes, r.Charging.P95WaitMinutes,
            r.Charging.RequestedKwh, r.Charging.DeliveredKwh, r.Charging.DeliveredPercent,
            [.. r.Charging.Areas.Select(a => new AreaOutcomeDto(a.AreaId, a.Chargers, a.SiteCapacityKw, a.PeakKw, a.RequestedKwh, a.DeliveredKwh, a.Requests, a.Served, a.Plans) { Moves = a.Moves })])
        {
            Moves = r.Charging.Moves,
        },
        new EbikeOutcomeDto(
            r.Ebikes.Requests, r.Ebikes.Served, Reasons(r.Ebikes.Refused), r.Ebikes.PortUtilizationPercent, r.Ebikes.OvernightSessions,
            [.. r.Ebikes.Shelters.Select(s => new ShelterOutcomeDto(s.ShelterId, s.Ports, s.Sessions, s.Refused, s.UtilizationPercent, s.OvernightSessions))]),
        new CreditOutcomeDto(r.Credits.OwnersEarnings, r.Credits.CompoundIncome, r.Credits.Refunded, r.Credits.OwnersEarning),
        [.. r.Buildings.Select(b => new BuildingOutcomeDto(b.BuildingId, b.Households, b.Requests, b.Served, b.Refused, b.ResidentsUnserved, b.ChargingRequests, b.ChargingServed))],
        new SimulationChartsDto(
            r.Charts.OccupancyByHour,
            r.Charts.OccupancyByWeekdayHour,
            new WaitHistogramDto(r.Charts.SpaceWait.UpperMinutes, r.Charts.SpaceWait.Counts),
            new WaitHistogramDto(r.Charts.ChargingWait.UpperMinutes, r.Charts.ChargingWait.Counts)),
        r.Events);

    private static ReasonCountDto[] Reasons(IReadOnlyList<ReasonCount> counts) => [.. counts.Select(c => new ReasonCountDto(c.Reason, c.Count))];
}
