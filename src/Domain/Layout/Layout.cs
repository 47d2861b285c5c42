namespace Parking.Domain.Layout;

public enum SpaceKind
{
    Standard,
    EV,
    Accessible,
    Visitor,
}

public enum SpaceOwnership
{
    Private,
    Common,
    Temporary,
}

public enum LotKind
{
    Surface,
    Underground,
    Temporary,
}

public enum UserRole
{
    Resident,
    Staff,
    Committee,

    /// <summary>Works for the sub-district: onboards its compounds and sees every one of them.</summary>
    Operator,
}

[GenerateSerializer, Immutable]
public sealed record Building([property: Id(0)] string Id, [property: Id(1)] string Name)
{
    /// <summary>Where the building's main door is, in the compound's local frame; walking distances are measured to it.</summary>
    [Id(2)]
    public Point? Position { get; init; }
}

/// <summary>One car space. <see cref="WalkOffsetMeters"/> is the walk from the lot's entrance to the space.</summary>
[GenerateSerializer, Immutable]
public sealed record SpaceDefinition(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string LotId,
    [property: Id(2)] string SpaceId,
    [property: Id(3)] string Label,
    [property: Id(4)] SpaceKind Kind,
    [property: Id(5)] SpaceOwnership Ownership,
    [property: Id(6)] int WalkOffsetMeters,
    [property: Id(7)] string? OwnerHouseholdId = null)
{
    /// <summary>The middle of the painted space in the compound's local frame, so the lot map is drawn as it is.</summary>
    [Id(8)]
    public Point? Position { get; init; }

    /// <summary>Which way a car faces when parked, in degrees clockwise from north.</summary>
    [Id(9)]
    public double? HeadingDegrees { get; init; }
}

/// <summary>A parking area, with the walking distance from its entrance to every building.</summary>
[GenerateSerializer, Immutable]
public sealed record LotDefinition(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string LotId,
    [property: Id(2)] string Name,
    [property: Id(3)] LotKind Kind,
    [property: Id(4)] IReadOnlyDictionary<string, int> WalkMetersToBuilding,
    [property: Id(5)] IReadOnlyList<SpaceDefinition> Spaces)
{
    public int WalkMetersTo(string? buildingId) =>
        buildingId is not null && WalkMetersToBuilding.TryGetValue(buildingId, out var meters) ? meters : 0;

    /// <summary>The lot's boundary, a closed polygon in the compound's local frame; empty when not known.</summary>
    [Id(6)]
    public IReadOnlyList<Point> Outline { get; init; } = [];

    /// <summary>Where people and cars come in; walks are measured from the nearest one.</summary>
    [Id(7)]
    public IReadOnlyList<Point> Entrances { get; init; } = [];
}

[GenerateSerializer, Immutable]
public sealed record Vehicle([property: Id(0)] string Plate, [property: Id(1)] bool IsElectric);

/// <summary>A person who signs in: a resident of a household, or a member of staff or the owners' committee.</summary>
[GenerateSerializer, Immutable]
public sealed record CompoundUser(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string UserId,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] UserRole Role,
    [property: Id(4)] string? HouseholdId,
    [property: Id(5)] string? BuildingId,
    [property: Id(6)] IReadOnlyList<Vehicle> Vehicles);

[GenerateSerializer, Immutable]
public sealed record Household(
    [property: Id(0)] string Id,
    [property: Id(1)] string BuildingId,
    [property: Id(2)] string Unit,
    [property: Id(3)] decimal ExclusiveAreaSquareMeters)
{
    /// <summary>Owners' names as the property register has them; optional, and personal information.</summary>
    [Id(4)]
    public IReadOnlyList<string> OwnerNames { get; init; } = [];
}

/// <summary>A residential community: the tenant. Every key in the system starts with its id.</summary>
[GenerateSerializer, Immutable]
public sealed record CompoundLayout(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<Building> Buildings,
    [property: Id(3)] IReadOnlyList<LotDefinition> Lots,
    [property: Id(4)] IReadOnlyList<Household> Households,
    [property: Id(5)] IReadOnlyList<CompoundUser> Users)
{
    public int SpaceCount => Lots.Sum(l => l.Spaces.Count);

    /// <summary>Chargers grouped by the feed they share; empty for a compound without chargers.</summary>
    [Id(6)]
    public IReadOnlyList<ChargingAreaDefinition> ChargingAreas { get; init; } = [];

    /// <summary>E-bike shelters; empty for a compound without them.</summary>
    [Id(7)]
    public IReadOnlyList<ShelterDefinition> Shelters { get; init; } = [];

    /// <summary>The compound's offset from UTC in minutes (Shanghai: +480).</summary>
    [Id(8)]
    public int UtcOffsetMinutes { get; init; } = 480;

    /// <summary>The sub-district that runs the compound, if the file names one.</summary>
    [Id(9)]
    public string? SubDistrictId { get; init; }

    /// <summary>
    /// Counts applied layout changes (imports and re-imports); an apply names the version it previewed, so two
    /// concurrent applies cannot both win.
    /// </summary>
    [Id(10)]
    public int LayoutVersion { get; init; }
}
