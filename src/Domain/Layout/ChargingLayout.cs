using System.Globalization;

namespace Parking.Domain.Layout;

/// <summary>Which phase of the three-phase feed a charger loads; three-phase chargers load all of them.</summary>
public enum ChargerPhase
{
    Three,
    L1,
    L2,
    L3,
}

/// <summary>A charging point bound to one EV space; <see cref="MaxKw"/> is the most it can deliver.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargerDefinition(
    [property: Id(0)] string ChargerId,
    [property: Id(1)] string SpaceId,
    [property: Id(2)] double MaxKw)
{
    [Id(3)]
    public ChargerPhase Phase { get; init; }

    /// <summary>Further EV spaces its cable reaches besides <see cref="SpaceId"/>.</summary>
    [Id(4)]
    public IReadOnlyList<string> AlsoReachesSpaceIds { get; init; } = [];
}

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
    [property: Id(4)] IReadOnlyList<ChargerDefinition> Chargers)
{
    /// <summary>The feed's capacity for each hour of the local day (24 values) when it varies; null when flat.</summary>
    [Id(5)]
    public IReadOnlyList<double>? SiteCapacityKwByHour { get; init; }
}

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

    [Id(6)]
    public Point? Position { get; init; }
}
