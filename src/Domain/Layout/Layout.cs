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
}

[GenerateSerializer, Immutable]
public sealed record Building([property: Id(0)] string Id, [property: Id(1)] string Name);

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
    [property: Id(7)] string? OwnerHouseholdId = null);

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
    [property: Id(3)] decimal ExclusiveAreaSquareMeters);

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
}
