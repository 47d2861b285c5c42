using Parking.Domain.Layout;

namespace Parking.Domain.Scenarios;

/// <summary>
/// A change to one car space in a scenario: a new kind, a new ownership (with the owning household when
/// private), or its removal. Fields left null stay as they are in the live layout.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SpaceChange(
    [property: Id(0)] string SpaceId,
    [property: Id(1)] SpaceKind? Kind = null,
    [property: Id(2)] SpaceOwnership? Ownership = null,
    [property: Id(3)] string? OwnerHouseholdId = null,
    [property: Id(4)] bool Remove = false);

/// <summary>
/// Puts a charger of <see cref="MaxKw"/> on an EV space (or changes its power); <c>MaxKw == 0</c> removes it.
/// A new charger joins <see cref="AreaId"/>, or the charging area of the space's lot when that is null.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChargerChange(
    [property: Id(0)] string SpaceId,
    [property: Id(1)] double MaxKw,
    [property: Id(2)] string? AreaId = null);

/// <summary>Changes an e-bike shelter's number of ports and/or its power limit.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterChange(
    [property: Id(0)] string ShelterId,
    [property: Id(1)] int? Ports = null,
    [property: Id(2)] double? PowerLimitKw = null);

/// <summary>Raises or lowers a charging area's share of the transformer (its site capacity).</summary>
[GenerateSerializer, Immutable]
public sealed record AreaCapacityChange(
    [property: Id(0)] string AreaId,
    [property: Id(1)] double SiteCapacityKw);

/// <summary>What a scenario changes in the compound's physical layout; applied to the live layout by <see cref="ScenarioLayout.Apply"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record LayoutChanges(
    [property: Id(0)] IReadOnlyList<SpaceChange> Spaces,
    [property: Id(1)] IReadOnlyList<ChargerChange> Chargers,
    [property: Id(2)] IReadOnlyList<ShelterChange> Shelters,
    [property: Id(3)] IReadOnlyList<AreaCapacityChange> AreaCapacities)
{
    public static LayoutChanges None { get; } = new([], [], [], []);

    public int Count => Spaces.Count + Chargers.Count + Shelters.Count + AreaCapacities.Count;
}

/// <summary>
/// The rules a scenario changes; every null field keeps the live rule. Times of day are the compound's
/// local time. <see cref="SharingOwnersShare"/> and the sharing hours describe how many private owners
/// publish their space, and when, in a simulation (the live platform leaves that to each owner).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ScenarioRules
{
    public static ScenarioRules Live { get; } = new();

    // Reservations
    [Id(0)] public TimeSpan? ReservationGracePeriod { get; init; }
    [Id(1)] public int? MaxActivePerResident { get; init; }
    [Id(2)] public TimeSpan? BookingHorizon { get; init; }

    // Charging
    [Id(3)] public TimeSpan? ChargingGracePeriod { get; init; }
    [Id(4)] public TimeOnly? QuietHoursFrom { get; init; }
    [Id(5)] public TimeOnly? QuietHoursUntil { get; init; }
    [Id(6)] public string? ChargingAlgorithm { get; init; }

    // E-bike shelters
    [Id(7)] public TimeSpan? ShelterMaxSessionLength { get; init; }
    [Id(8)] public double? ShelterPortMaxWatts { get; init; }

    // Prices and credits
    [Id(9)] public int? SharedPerHour { get; init; }
    [Id(10)] public int? CommonPerHour { get; init; }
    [Id(11)] public int? TemporaryPerHour { get; init; }
    [Id(12)] public int? Grant { get; init; }

    // Visitors
    [Id(13)] public int? VisitorPassesPerWeek { get; init; }
    [Id(14)] public TimeSpan? VisitorHoursPerWeek { get; init; }

    // Sharing
    [Id(15)] public double? SharingOwnersShare { get; init; }
    [Id(16)] public TimeOnly? SharingFrom { get; init; }
    [Id(17)] public TimeOnly? SharingUntil { get; init; }
    [Id(18)] public TimeSpan? SharingWithdrawalNotice { get; init; }
}

/// <summary>A scenario's content: a name for people, the layout changes and the rule changes against the live compound.</summary>
[GenerateSerializer, Immutable]
public sealed record ScenarioDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] string Description,
    [property: Id(2)] LayoutChanges Changes,
    [property: Id(3)] ScenarioRules Rules);
