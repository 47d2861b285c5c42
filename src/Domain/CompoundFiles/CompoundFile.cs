using System.Text.Json.Serialization;
using Parking.Domain.Layout;

namespace Parking.Domain.CompoundFiles;

/// <summary>
/// The compound file, version 1: everything Parking needs to run one compound. JSON is its canonical form
/// (docs/compound-file.md, docs/compound-file.schema.json); households and spaces may come from CSV files named
/// beside it. Kinds are kept as the text of the file, so a wrong one is reported with its place, not thrown.
/// </summary>
public sealed record CompoundFile
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    public required CompoundEntry Compound { get; init; }

    /// <summary><c>local</c> (metres east and north of an origin) or <c>wgs84</c> (longitude, latitude in degrees).</summary>
    public string Frame { get; init; } = CoordinateFrames.Local;

    public IReadOnlyList<BuildingEntry> Buildings { get; init; } = [];

    public IReadOnlyList<HouseholdEntry> Households { get; init; } = [];

    /// <summary>A CSV file beside this one whose rows are added to <see cref="Households"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HouseholdsCsv { get; init; }

    public IReadOnlyList<LotEntry> Lots { get; init; } = [];

    public IReadOnlyList<SpaceEntry> Spaces { get; init; } = [];

    /// <summary>A CSV file beside this one whose rows are added to <see cref="Spaces"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SpacesCsv { get; init; }

    public IReadOnlyList<ChargingAreaEntry> ChargingAreas { get; init; } = [];

    public IReadOnlyList<ShelterEntry> Shelters { get; init; } = [];

    /// <summary>The people to enrol with the compound (staff, committee, residents the property already knows).</summary>
    public IReadOnlyList<PersonEntry> People { get; init; } = [];
}

public static class CoordinateFrames
{
    public const string Local = "local";
    public const string Wgs84 = "wgs84";
}

public sealed record CompoundEntry(string Id, string Name)
{
    /// <summary>Offset from UTC as <c>+08:00</c>.</summary>
    public string UtcOffset { get; init; } = "+08:00";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SubDistrict { get; init; }
}

public sealed record BuildingEntry(string Id, string Name)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Point? Position { get; init; }
}

public sealed record HouseholdEntry(string Id, string BuildingId, string Unit, decimal AreaM2)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public IReadOnlyList<string>? Owners { get; init; }

    /// <summary>Where the entry came from when not from the JSON array itself (<c>households.csv line 88</c>).</summary>
    [JsonIgnore]
    public string? Origin { get; init; }
}

public sealed record LotEntry(string Id, string Name, string Kind)
{
    public IReadOnlyList<Point> Outline { get; init; } = [];

    public IReadOnlyList<Point> Entrances { get; init; } = [];

    /// <summary>Walking distance from the lot to each building; derived from positions where not given.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, int>? WalkMeters { get; init; }
}

public sealed record SpaceEntry(string Id, string LotId, string Kind, string Ownership)
{
    /// <summary>What is painted on the ground; the id when absent.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Label { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OwnerHouseholdId { get; init; }

    public Point Position { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Heading { get; init; }

    /// <summary>Walk from the lot's nearest entrance; derived from the position where not given.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? WalkMeters { get; init; }

    /// <summary>
    /// True: the space is out of service (blocked, as staff block it live); false: in service. Absent: it keeps the
    /// state it has live (a new space starts in service), so a file that does not speak of blocks reopens none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? OutOfService { get; init; }

    [JsonIgnore]
    public string? Origin { get; init; }
}

public sealed record ChargingAreaEntry(string Id, string Name, string LotId, double FeedKw)
{
    /// <summary>24 values, one per local hour, when the feed varies over the day.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? FeedKwByHour { get; init; }

    /// <summary>The most one phase may carry (kW); absent for a third of the feed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? PhaseLimitKw { get; init; }

    /// <summary>The most one phase may carry above another (kW); absent for no such limit.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? PhaseImbalanceKw { get; init; }

    public IReadOnlyList<ChargerEntry> Chargers { get; init; } = [];
}

public sealed record ChargerEntry(string Id, double MaxKw, IReadOnlyList<string> SpaceIds)
{
    /// <summary><c>three</c>, <c>L1</c>, <c>L2</c> or <c>L3</c>.</summary>
    public string Phase { get; init; } = "three";
}

public sealed record ShelterEntry(string Id, string Name, string NearBuildingId, int Ports, double PowerLimitKw)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Point? Position { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, int>? WalkMeters { get; init; }
}

public sealed record PersonEntry(string Id, string Name, string Role)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HouseholdId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public IReadOnlyList<VehicleEntry>? Vehicles { get; init; }
}

public sealed record VehicleEntry(string Plate)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Electric { get; init; }
}

/// <summary>One thing wrong with a compound file, and where: <c>spaces[412].lotId: no lot 'G9'</c>.</summary>
public sealed record CompoundFileProblem(string Place, string Message)
{
    public override string ToString() => $"{Place}: {Message}";
}
