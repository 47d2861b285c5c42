using Parking.Domain.Charging;

namespace Parking.Grains.Charging;

/// <summary>A charger as its grain knows it: where it stands, its status and meter, and the request whose car is on it.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargerView(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string AreaId,
    [property: Id(2)] ChargerSnapshot Charger,
    [property: Id(3)] string? SessionRequestId);

/// <summary>
/// One charger (key: compound/charger): its OCPP status, the power it delivers and its energy meter, and the
/// session on it. Status reports come from the charger (or its gateway, or staff); each accepted report goes
/// on to the charger's area, which starts, ends or re-plans turns.
/// </summary>
public interface IChargerGrain : IGrainWithStringKey
{
    Task<Outcome<ChargerView>> Report(ChargerReport report);

    [ReadOnly]
    Task<Outcome<ChargerView>> Get();

    /// <summary>Reads the charger's definition from the compound's layout again (after a re-import): its area, space and rating; gone when the file dropped it.</summary>
    Task Reload();
}

/// <summary>
/// One charging area (key: compound/area): the drivers' requests, the plan of turns on its chargers, the
/// notices to drivers at each step of a turn, and re-planning on every event that changes what is possible.
/// </summary>
public interface IChargingAreaGrain : IPersonalHistory
{
    Task<Outcome<ChargingRequest>> Submit(string residentId, ChargingRequestDraft draft);

    Task<Outcome<ChargingRequest>> Cancel(string requestId, Actor actor);

    Task<Outcome<ChargingRequest>> GetRequest(string requestId, Actor actor);

    /// <summary>The requests of one driver in this area, newest first.</summary>
    Task<IReadOnlyList<ChargingRequest>> GetRequestsOf(string residentId);

    /// <summary>
    /// The driver left the compound: their requests name <paramref name="pseudonym"/> instead, and lose the plate unless
    /// the car is still plugged in (staff must find it). Returns how many changed.
    /// </summary>
    Task<int> Anonymise(string residentId, string pseudonym);

    /// <summary>Every charger and request of the area (null when there is no such area).</summary>
    Task<ChargingAreaView?> GetView();

    Task<Outcome<ChargingAreaView>> SetSiteCapacity(double siteCapacityKw);

    /// <summary>
    /// Sets what the area's plans put first (an order's wire name, and the minimum need per driver for
    /// minimum-need-first) and re-plans; a bad value is refused with its field and changes nothing.
    /// </summary>
    Task<Outcome<ChargingAreaView>> SetObjective(string? order, double? minimumNeedKwh);

    /// <summary>A charger of the area reported; returns the request whose car is on it now, if any.</summary>
    Task<string?> ChargerReported(ChargerSnapshot charger);

    /// <summary>Moves the area to the domain clock's now (timers and reminders call it).</summary>
    Task Tick();

    /// <summary>
    /// Waits until the re-plans asked so far are made (the area plans in the background, after its calls have
    /// answered), then returns the area as planned; null when there is no such area. Interleaves with other calls.
    /// </summary>
    [AlwaysInterleave]
    Task<ChargingAreaView?> WhenPlanned();

    /// <summary>Reads the area's definition from the compound's layout again (after a re-import) and re-plans if it changed.</summary>
    Task Reload();
}
