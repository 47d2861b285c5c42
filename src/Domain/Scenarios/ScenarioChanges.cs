using Parking.Domain.Layout;

namespace Parking.Domain.Scenarios;

/// <summary>
/// A change to one car space in a scenario: a new kind, a new ownership (with the owning household when
/// private), or its removal. Fields left null stay as they are in the live layout.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SpaceChange(
    [Id(0)] string SpaceId,
    [Id(1)] SpaceKind? Kind = null,
    [Id(2)] SpaceOwnership? Ownership = null,
    [Id(3)] string? OwnerHouseholdId = null,
    [Id(4)] bool Remove = false);

/// <summary>
/// Puts a charger of <see cref="MaxKw"/> on an EV space (or changes its power); <c>MaxKw == 0</c> removes it.
/// A new charger joins <see cref="AreaId"/>, or the charging area of the space's lot when that is null.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChargerChange(
    [Id(0)] string SpaceId,
    [Id(1)] double MaxKw,
    [Id(2)] string? AreaId = null);

/// <summary>Changes an e-bike shelter's number of ports and/or its power limit.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterChange(
    [Id(0)] string ShelterId,
    [Id(1)] int? Ports = null,
    [Id(2)] double? PowerLimitKw = null);

/// <summary>Raises or lowers a charging area's share of the transformer (its site capacity).</summary>
[GenerateSerializer, Immutable]
public sealed record AreaCapacityChange(
    [Id(0)] string AreaId,
    [Id(1)] double SiteCapacityKw);

/// <summary>What a scenario changes in the compound's physical layout; applied to the live layout by <see cref="ScenarioLayout.Apply"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record LayoutChanges(
    [Id(0)] IReadOnlyList<SpaceChange> Spaces,
    [Id(1)] IReadOnlyList<ChargerChange> Chargers,
    [Id(2)] IReadOnlyList<ShelterChange> Shelters,
    [Id(3)] IReadOnlyList<AreaCapacityChange> AreaCapacities)
{
    public static LayoutChanges None { get; } = new([], [], [], []);

    public int Count => Spaces.Count + Chargers.Count + Shelters.Count + AreaCapacities.Count;
}

/// <summary>
/// The rules a scenario changes; every null field keeps the live rule. Times of day are the compound's
/// local time. <see cref="SharingOwnersShare"/> and the sharing hours describe how many private owners
/// publish their space, and when, in a simulation (the live platform leaves that to each owner).
/// </summary>
// Rules left to the live policy are not written, so a scenario stored before a rule was added is stored again byte for
// byte (every stored rule of it set) and reads the new rule as null.
[GenerateSerializer, Immutable, OmitDefaultMemberValues]
public sealed record ScenarioRules
{
    public static ScenarioRules Live { get; } = new();

    // Reservations
    // Stored in an internal field: the codec is generated in Parking.Grains (InternalsVisibleTo), which
    // cannot reach the private backing field of an init-only property in another assembly.
    [Id(0)] internal TimeSpan? _reservationGracePeriod;
    public TimeSpan? ReservationGracePeriod { get => _reservationGracePeriod; init => _reservationGracePeriod = value; }

    [Id(1)] internal int? _maxActivePerResident;
    public int? MaxActivePerResident { get => _maxActivePerResident; init => _maxActivePerResident = value; }

    [Id(2)] internal TimeSpan? _bookingHorizon;
    public TimeSpan? BookingHorizon { get => _bookingHorizon; init => _bookingHorizon = value; }

    // Charging
    [Id(3)] internal TimeSpan? _chargingGracePeriod;
    public TimeSpan? ChargingGracePeriod { get => _chargingGracePeriod; init => _chargingGracePeriod = value; }

    [Id(4)] internal TimeOnly? _quietHoursFrom;
    public TimeOnly? QuietHoursFrom { get => _quietHoursFrom; init => _quietHoursFrom = value; }

    [Id(5)] internal TimeOnly? _quietHoursUntil;
    public TimeOnly? QuietHoursUntil { get => _quietHoursUntil; init => _quietHoursUntil = value; }

    [Id(6)] internal string? _chargingAlgorithm;
    public string? ChargingAlgorithm { get => _chargingAlgorithm; init => _chargingAlgorithm = value; }

    // E-bike shelters
    [Id(7)] internal TimeSpan? _shelterMaxSessionLength;
    public TimeSpan? ShelterMaxSessionLength { get => _shelterMaxSessionLength; init => _shelterMaxSessionLength = value; }

    [Id(8)] internal double? _shelterPortMaxWatts;
    public double? ShelterPortMaxWatts { get => _shelterPortMaxWatts; init => _shelterPortMaxWatts = value; }

    // Prices and credits
    [Id(9)] internal int? _sharedPerHour;
    public int? SharedPerHour { get => _sharedPerHour; init => _sharedPerHour = value; }

    [Id(10)] internal int? _commonPerHour;
    public int? CommonPerHour { get => _commonPerHour; init => _commonPerHour = value; }

    [Id(11)] internal int? _temporaryPerHour;
    public int? TemporaryPerHour { get => _temporaryPerHour; init => _temporaryPerHour = value; }

    [Id(12)] internal int? _grant;
    public int? Grant { get => _grant; init => _grant = value; }

    // Visitors
    [Id(13)] internal int? _visitorPassesPerWeek;
    public int? VisitorPassesPerWeek { get => _visitorPassesPerWeek; init => _visitorPassesPerWeek = value; }

    [Id(14)] internal TimeSpan? _visitorHoursPerWeek;
    public TimeSpan? VisitorHoursPerWeek { get => _visitorHoursPerWeek; init => _visitorHoursPerWeek = value; }

    // Sharing
    [Id(15)] internal double? _sharingOwnersShare;
    public double? SharingOwnersShare { get => _sharingOwnersShare; init => _sharingOwnersShare = value; }

    [Id(16)] internal TimeOnly? _sharingFrom;
    public TimeOnly? SharingFrom { get => _sharingFrom; init => _sharingFrom = value; }

    [Id(17)] internal TimeOnly? _sharingUntil;
    public TimeOnly? SharingUntil { get => _sharingUntil; init => _sharingUntil = value; }

    [Id(18)] internal TimeSpan? _sharingWithdrawalNotice;
    public TimeSpan? SharingWithdrawalNotice { get => _sharingWithdrawalNotice; init => _sharingWithdrawalNotice = value; }

    // Charging, added later: a scenario stored before this field reads it as null (the live policy's number).
    [Id(19)] internal int? _maxTurnsPerRequest;

    /// <summary>The most turns one charging request may get (1 for one turn per request); null keeps the live policy's.</summary>
    public int? MaxTurnsPerRequest { get => _maxTurnsPerRequest; init => _maxTurnsPerRequest = value; }
}

/// <summary>A scenario's content: a name for people, the layout changes and the rule changes against the live compound.</summary>
[GenerateSerializer, Immutable]
public sealed record ScenarioDefinition(
    [Id(0)] string Name,
    [Id(1)] string Description,
    [Id(2)] LayoutChanges Changes,
    [Id(3)] ScenarioRules Rules);
