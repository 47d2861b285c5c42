using System.Globalization;

namespace Parking.Domain.Layout;

/// <summary>A charging point bound to one EV space; <see cref="MaxKw"/> is the most it can deliver.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargerDefinition(
    [property: Id(0)] string ChargerId,
    [property: Id(1)] string SpaceId,
    [property: Id(2)] double MaxKw);

/// <summary>
/// Chargers behind one feed: in-turn charging is planned per area, and the sum of their power must stay
/// within <see cref="SiteCapacityKw"/>, the area's share of the compound's transformer limit.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChargingAreaDefinition(
    [property: Id(0)] string AreaId,
    [property: Id(1)] string Name,
    [property: Id(2)] string LotId,
    [property: Id(3)] double SiteCapacityKw,
    [property: Id(4)] IReadOnlyList<ChargerDefinition> Chargers);

/// <summary>An e-bike shelter: charging ports behind one power limit, with smoke and temperature alarms.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterDefinition(
    [property: Id(0)] string ShelterId,
    [property: Id(1)] string Name,
    [property: Id(2)] string NearBuildingId,
    [property: Id(3)] int Ports,
    [property: Id(4)] double PowerLimitKw,
    [property: Id(5)] IReadOnlyDictionary<string, int> WalkMetersToBuilding)
{
    /// <summary>Port ids are the shelter id and a two-digit number: <c>E01-P07</c>.</summary>
    public IEnumerable<string> PortIds =>
        Enumerable.Range(1, Ports).Select(p => string.Create(CultureInfo.InvariantCulture, $"{ShelterId}-P{p:00}"));

    public int WalkMetersTo(string? buildingId) =>
        buildingId is not null && WalkMetersToBuilding.TryGetValue(buildingId, out var meters) ? meters : 0;
}
