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
public sealed record Building([Id(0)] string Id, [Id(1)] string Name)
{
    /// <summary>Where the building's main door is, in the compound's local frame; walking distances are measured to it.</summary>
    // Stored in an internal field: the codec is generated in Parking.Grains (InternalsVisibleTo), which
    // cannot reach the private backing field of an init-only property in another assembly.
    [Id(2)] internal Point? _position;
    public Point? Position { get => _position; init => _position = value; }
}

/// <summary>One car space. <see cref="WalkOffsetMeters"/> is the walk from the lot's entrance to the space.</summary>
[GenerateSerializer, Immutable]
public sealed record SpaceDefinition(
    [Id(0)] string CompoundId,
    [Id(1)] string LotId,
    [Id(2)] string SpaceId,
    [Id(3)] string Label,
    [Id(4)] SpaceKind Kind,
    [Id(5)] SpaceOwnership Ownership,
    [Id(6)] int WalkOffsetMeters,
    [Id(7)] string? OwnerHouseholdId = null)
{
    /// <summary>The middle of the painted space in the compound's local frame, so the lot map is drawn as it is.</summary>
    [Id(8)] internal Point? _position;
    public Point? Position { get => _position; init => _position = value; }

    /// <summary>Which way a car faces when parked, in degrees clockwise from north.</summary>
    [Id(9)] internal double? _headingDegrees;
    public double? HeadingDegrees { get => _headingDegrees; init => _headingDegrees = value; }
}

/// <summary>A parking area, with the walking distance from its entrance to every building.</summary>
[GenerateSerializer, Immutable]
public sealed record LotDefinition(
    [Id(0)] string CompoundId,
    [Id(1)] string LotId,
    [Id(2)] string Name,
    [Id(3)] LotKind Kind,
    [Id(4)] IReadOnlyDictionary<string, int> WalkMetersToBuilding,
    [Id(5)] IReadOnlyList<SpaceDefinition> Spaces)
{
    public int WalkMetersTo(string? buildingId) =>
        buildingId is not null && WalkMetersToBuilding.TryGetValue(buildingId, out var meters) ? meters : 0;

    /// <summary>The lot's boundary, a closed polygon in the compound's local frame; empty when not known.</summary>
    [Id(6)] internal IReadOnlyList<Point> _outline = [];
    public IReadOnlyList<Point> Outline { get => _outline; init => _outline = value; }

    /// <summary>Where people and cars come in; walks are measured from the nearest one.</summary>
    [Id(7)] internal IReadOnlyList<Point> _entrances = [];
    public IReadOnlyList<Point> Entrances { get => _entrances; init => _entrances = value; }
}

[GenerateSerializer, Immutable]
public sealed record Vehicle([Id(0)] string Plate, [Id(1)] bool IsElectric);

/// <summary>A person who signs in: a resident of a household, or a member of staff or the owners' committee.</summary>
[GenerateSerializer, Immutable]
public sealed record CompoundUser(
    [Id(0)] string CompoundId,
    [Id(1)] string UserId,
    [Id(2)] string DisplayName,
    [Id(3)] UserRole Role,
    [Id(4)] string? HouseholdId,
    [Id(5)] string? BuildingId,
    [Id(6)] IReadOnlyList<Vehicle> Vehicles);

[GenerateSerializer, Immutable]
public sealed record Household(
    [Id(0)] string Id,
    [Id(1)] string BuildingId,
    [Id(2)] string Unit,
    [Id(3)] decimal ExclusiveAreaSquareMeters)
{
    /// <summary>Owners' names as the property register has them; optional, and personal information.</summary>
    [Id(4)] internal IReadOnlyList<string> _ownerNames = [];
    public IReadOnlyList<string> OwnerNames { get => _ownerNames; init => _ownerNames = value; }
}

/// <summary>A residential community: the tenant. Every key in the system starts with its id.</summary>
[GenerateSerializer, Immutable]
public sealed record CompoundLayout(
    [Id(0)] string CompoundId,
    [Id(1)] string Name,
    [Id(2)] IReadOnlyList<Building> Buildings,
    [Id(3)] IReadOnlyList<LotDefinition> Lots,
    [Id(4)] IReadOnlyList<Household> Households,
    [Id(5)] IReadOnlyList<CompoundUser> Users)
{
    public int SpaceCount => Lots.Sum(l => l.Spaces.Count);

    /// <summary>Chargers grouped by the feed they share; empty for a compound without chargers.</summary>
    [Id(6)] internal IReadOnlyList<ChargingAreaDefinition> _chargingAreas = [];
    public IReadOnlyList<ChargingAreaDefinition> ChargingAreas { get => _chargingAreas; init => _chargingAreas = value; }

    /// <summary>E-bike shelters; empty for a compound without them.</summary>
    [Id(7)] internal IReadOnlyList<ShelterDefinition> _shelters = [];
    public IReadOnlyList<ShelterDefinition> Shelters { get => _shelters; init => _shelters = value; }

    /// <summary>The compound's offset from UTC in minutes (Shanghai: +480).</summary>
    [Id(8)] internal int _utcOffsetMinutes = 480;
    public int UtcOffsetMinutes { get => _utcOffsetMinutes; init => _utcOffsetMinutes = value; }

    /// <summary>The sub-district that runs the compound, if the file names one.</summary>
    [Id(9)] internal string? _subDistrictId;
    public string? SubDistrictId { get => _subDistrictId; init => _subDistrictId = value; }

    /// <summary>
    /// Counts applied layout changes (imports and re-imports); an apply names the version it previewed, so two
    /// concurrent applies cannot both win.
    /// </summary>
    [Id(10)] internal int _layoutVersion;
    public int LayoutVersion { get => _layoutVersion; init => _layoutVersion = value; }

    /// <summary>
    /// The service state a compound file gives some of its spaces, by space id: true out of service, false in service;
    /// a space not named keeps the state it has live. What the file asked, for an import to bring the spaces in line
    /// with; the live state is each space's own (staff block and reopen it there), and an export reads it from them.
    /// </summary>
    [Id(11)] internal IReadOnlyDictionary<string, bool>? _spaceService = EmptyService;
    // A layout stored before this field existed reads it as null: nothing asked.
    public IReadOnlyDictionary<string, bool> SpaceService { get => _spaceService ?? EmptyService; init => _spaceService = value; }

    private static readonly IReadOnlyDictionary<string, bool> EmptyService = new Dictionary<string, bool>(StringComparer.Ordinal);
}
