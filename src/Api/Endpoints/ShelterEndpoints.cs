using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parking.Domain.Shelters;

namespace Parking.Api.Endpoints;

/// <summary>
/// E-bike shelters: drivers find a free port near their building, charge on it, see and stop their
/// session; the ports' meters and the detectors report (staff tokens); staff watch every shelter and
/// clear alarms.
/// </summary>
public static class ShelterEndpoints
{
    public static RouteGroupBuilder MapShelterEndpoints(this RouteGroupBuilder compound)
    {
        var shelters = compound.MapGroup("/shelters").WithTags("E-bike shelters");
        shelters.MapGet("/", Nearby)
            .WithSummary("Shelters with free ports, nearest to a building first")
            .WithDescription("building defaults to the caller's own; all=true lists shelters without a free port too.");
        shelters.MapGet("/live", Live).RequireAuthorization(Policies.Staff).WithSummary("Every shelter live: ports, power, alarms (staff)");
        shelters.MapGet("/sessions/mine", Mine).WithSummary("My shelter sessions: running and recently ended, with why they ended");
        shelters.MapGet("/{shelterId}", Get).RequireAuthorization(Policies.Staff).WithSummary("One shelter live (staff)");
        shelters.MapGet("/{shelterId}/ports", Ports).WithSummary("A shelter's ports, which are free, and the power share per port (for a driver choosing one)");
        shelters.MapPost("/{shelterId}/sessions", Start)
            .RequireAuthorization(Policies.Resident)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Start charging my e-bike on a free port");
        shelters.MapGet("/{shelterId}/sessions/{sessionId}", GetSession).WithSummary("One session (its driver, or staff)");
        shelters.MapPost("/{shelterId}/sessions/{sessionId}/stop", Stop)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Stop a session (its driver, or staff)");
        shelters.MapPost("/{shelterId}/ports/{portId}/report", Report)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("A port's meter reading: power (W) now, energy (Wh) this session (staff or device tokens)");
        shelters.MapPost("/{shelterId}/alarm", Alarm)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("A smoke or temperature reading; at or over its threshold every port is cut (staff or device tokens)");
        shelters.MapPost("/{shelterId}/alarm/clear", Clear)
            .RequireAuthorization(Policies.Staff)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Clear the alarm: the cut ports may be used again (staff)");
        return compound;
    }

    public static async Task<Results<Ok<ShelterSummaryDto[]>, ProblemHttpResult>> Nearby(
        string compoundId,
        string? building,
        bool? all,
        HttpContext http,
        IGrainFactory grains)
    {
        var buildingId = building ?? http.CurrentUser().BuildingId;
        if (building is not null && !(await grains.Compound(compoundId).GetBuildings()).Any(b => b.Id == building))
        {
            return Problems.Invalid("building", $"No building '{building}' in this compound.");
        }

        var snapshots = await Snapshots(compoundId, grains);
        return TypedResults.Ok(snapshots
            .Where(s => all == true || s.FreePorts > 0)
            .Select(s => s.ToSummary(buildingId))
            .OrderBy(s => s.WalkMeters)
            .ThenBy(s => s.ShelterId, StringComparer.Ordinal)
            .ToArray());
    }

    public static async Task<Ok<ShelterDto[]>> Live(string compoundId, IGrainFactory grains) =>
        TypedResults.Ok((await Snapshots(compoundId, grains)).Select(s => s.ToDto()).ToArray());

    public static async Task<Results<Ok<ShelterDto>, ProblemHttpResult>> Get(string compoundId, string shelterId, IGrainFactory grains)
    {
        if (await Known(compoundId, shelterId, grains) is { } unknown)
        {
            return unknown;
        }

        var snapshot = await grains.Shelter(compoundId, shelterId).GetSnapshot();
        return snapshot is null ? UnknownShelter(shelterId) : TypedResults.Ok(snapshot.ToDto());
    }

    public static async Task<Results<Ok<ShelterPortsDto>, ProblemHttpResult>> Ports(string compoundId, string shelterId, IGrainFactory grains)
    {
        if (await Known(compoundId, shelterId, grains) is { } unknown)
        {
            return unknown;
        }

        var snapshot = await grains.Shelter(compoundId, shelterId).GetSnapshot();
        return snapshot is null ? UnknownShelter(shelterId) : TypedResults.Ok(snapshot.ToPorts());
    }

    public static async Task<Ok<ShelterSessionDto[]>> Mine(string compoundId, HttpContext http, IGrainFactory grains, ParkingClock time)
    {
        var userId = http.CurrentUser().UserId;
        var shelters = await grains.Compound(compoundId).GetShelters();
        var sessions = await Task.WhenAll(shelters.Select(s => grains.Shelter(compoundId, s.ShelterId).GetSessionsOf(userId)));
        var now = time.GetUtcNow();
        return TypedResults.Ok(sessions.SelectMany(s => s).OrderByDescending(s => s.StartedAt).Select(s => s.ToDto(now)).ToArray());
    }

    public static async Task<Results<Created<ShelterSessionDto>, ProblemHttpResult>> Start(
        string compoundId,
        string shelterId,
        StartShelterSessionRequest? request,
        HttpContext http,
        IGrainFactory grains,
        ParkingClock time)
    {
        if (request is null)
        {
            return Problems.Invalid("body", "A JSON body with portId is required.");
        }

        if (string.IsNullOrWhiteSpace(request.PortId))
        {
            return Problems.Invalid("portId", "portId is required: a free port of the shelter, such as E01-P03.");
        }

        if (await Known(compoundId, shelterId, grains) is { } unknown)
        {
            return unknown;
        }

        var outcome = await grains.Shelter(compoundId, shelterId)
            .StartSession(new StartSessionCommand(http.CurrentUser().UserId, request.PortId, request.Bike));
        if (outcome.Value is not { } session)
        {
            return Problems.From(outcome.Error!);
        }

        return TypedResults.Created(
            $"/api/compounds/{compoundId}/shelters/{shelterId}/sessions/{session.SessionId}",
            session.ToDto(time.GetUtcNow()));
    }

    public static async Task<Results<Ok<ShelterSessionDto>, ProblemHttpResult>> GetSession(
        string compoundId, string shelterId, string sessionId, HttpContext http, IGrainFactory grains, ParkingClock time)
    {
        if (await Known(compoundId, shelterId, grains) is { } unknown)
        {
            return unknown;
        }

        var outcome = await grains.Shelter(compoundId, shelterId).GetSession(sessionId, http.CurrentUser().Actor);
        return outcome.Value is { } session ? TypedResults.Ok(session.ToDto(time.GetUtcNow())) : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<ShelterSessionDto>, ProblemHttpResult>> Stop(
        string compoundId, string shelterId, string sessionId, HttpContext http, IGrainFactory grains, ParkingClock time)
    {
        if (await Known(compoundId, shelterId, grains) is { } unknown)
        {
            return unknown;
        }

        var outcome = await grains.Shelter(compoundId, shelterId).StopSession(sessionId, http.CurrentUser().Actor);
        return outcome.Value is { } session ? TypedResults.Ok(session.ToDto(time.GetUtcNow())) : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<PortReportResultDto>, ProblemHttpResult>> Report(
        string compoundId, string shelterId, string portId, PortReportRequest? request, IGrainFactory grains, ParkingClock time)
    {
        if (request is null)
        {
            return Problems.Invalid("body", "A JSON body with powerW (and energyWh) is required.");
        }

        if (request.PowerW is not { } power)
        {
            return Problems.Invalid("powerW", "powerW is required: the watts the port draws now.");
        }

        var report = new PortReport(power, request.EnergyWh ?? 0);
        if (report.Validate() is { } invalid)
        {
            return Problems.From(invalid);
        }

        if (await Known(compoundId, shelterId, grains) is { } unknown)
        {
            return unknown;
        }

        var outcome = await grains.Shelter(compoundId, shelterId).ReportPort(portId, report);
        return outcome.Value is { } result
            ? TypedResults.Ok(new PortReportResultDto(result.Port.ToDto(), result.Ended?.ToDto(time.GetUtcNow())))
            : Problems.From(outcome.Error!);
    }

    public static async Task<Results<Ok<ShelterAlarmResultDto>, ProblemHttpResult>> Alarm(
        string compoundId, string shelterId, ShelterAlarmRequest? request, IGrainFactory grains, ParkingClock time)
    {
        if (request is null)
        {
            return Problems.Invalid("body", "A JSON body with kind and value is required.");
        }

        if (request.Kind is null || int.TryParse(request.Kind, out _) || !Enum.TryParse<AlarmKind>(request.Kind, ignoreCase: true, out var kind))
        {
            return Problems.Invalid("kind", "kind is smoke or temperature.");
        }

        if (request.Value is not { } value)
        {
            return Problems.Invalid("value", "value is required: smoke obscuration (% per metre) or temperature (°C).");
        }

        var reading = new AlarmReading(kind, value);
        if (reading.Validate() is { } invalid)
        {
            return Problems.From(invalid);
        }

        if (await Known(compoundId, shelterId, grains) is { } unknown)
        {
            return unknown;
        }

        var outcome = await grains.Shelter(compoundId, shelterId).ReportAlarm(reading);
        if (outcome.Value is not { } result)
        {
            return Problems.From(outcome.Error!);
        }

        var now = time.GetUtcNow();
        var name = (await grains.Compound(compoundId).GetShelters()).First(s => s.ShelterId == shelterId).Name;
        return TypedResults.Ok(new ShelterAlarmResultDto(
            result.Raised,
            result.Alarm?.ToDto(compoundId, shelterId, name),
            [.. result.Cut.Select(s => s.ToDto(now))]));
    }

    public static async Task<Results<Ok<ShelterAlarmDto>, ProblemHttpResult>> Clear(
        string compoundId, string shelterId, HttpContext http, IGrainFactory grains)
    {
        if (await Known(compoundId, shelterId, grains) is { } unknown)
        {
            return unknown;
        }

        var outcome = await grains.Shelter(compoundId, shelterId).ClearAlarm(http.CurrentUser().UserId);
        if (outcome.Value is not { } cleared)
        {
            return Problems.From(outcome.Error!);
        }

        var name = (await grains.Compound(compoundId).GetShelters()).First(s => s.ShelterId == shelterId).Name;
        return TypedResults.Ok(cleared.ToDto(compoundId, shelterId, name));
    }

    private static async Task<IReadOnlyList<ShelterSnapshot>> Snapshots(string compoundId, IGrainFactory grains)
    {
        var shelters = await grains.Compound(compoundId).GetShelters();
        var snapshots = await Task.WhenAll(shelters.Select(s => grains.Shelter(compoundId, s.ShelterId).GetSnapshot()));
        return [.. snapshots.OfType<ShelterSnapshot>()];
    }

    /// <summary>Null when the compound has the shelter; else the 404 to answer, before any shelter grain is woken.</summary>
    private static async Task<ProblemHttpResult?> Known(string compoundId, string shelterId, IGrainFactory grains) =>
        (await grains.Compound(compoundId).GetShelters()).Any(s => s.ShelterId == shelterId) ? null : UnknownShelter(shelterId);

    private static ProblemHttpResult UnknownShelter(string shelterId) =>
        Problems.From(DomainError.NotFound("shelter-not-found", $"No e-bike shelter '{shelterId}' in this compound."));
}
