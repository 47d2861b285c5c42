using System.Globalization;
using Parking.Domain.Layout;

namespace Parking.Domain.CompoundFiles;

/// <summary>
/// Converts between a compound file and the live <see cref="CompoundLayout"/>. <see cref="ToLayout"/> expects a
/// file that passed <see cref="CompoundFileRules"/>; <see cref="FromLayout"/> exports a live compound so that it
/// re-imports to the same layout.
/// </summary>
public static class CompoundFileMapping
{
    private const double MetersPerDegreeLatitude = 110_574;
    private const double MetersPerDegreeLongitudeAtEquator = 111_320;

    /// <summary>The file's points in the local metric frame (a WGS-84 file is projected around its first lot corner).</summary>
    public static IReadOnlyList<Point> ToLocal(CompoundFile file, IReadOnlyList<Point> points)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(points);
        return file.Frame != CoordinateFrames.Wgs84 ? points : [.. points.Select(p => ToLocal(file, p))];
    }

    public static Point ToLocal(CompoundFile file, Point point)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Frame != CoordinateFrames.Wgs84)
        {
            return point;
        }

        // An equirectangular projection: over a compound's few hundred metres its error is centimetres.
        var origin = Origin(file);
        var x = (point.X - origin.X) * MetersPerDegreeLongitudeAtEquator * Math.Cos(origin.Y * Math.PI / 180);
        var y = (point.Y - origin.Y) * MetersPerDegreeLatitude;
        return new Point(Math.Round(x, 2), Math.Round(y, 2));
    }

    public static CompoundLayout ToLayout(CompoundFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var id = file.Compound.Id;
        var buildings = file.Buildings
            .Select(b => new Building(b.Id, b.Name) { Position = b.Position is { } p ? ToLocal(file, p) : null })
            .ToList();
        var households = file.Households
            .Select(h => new Household(h.Id, h.BuildingId, h.Unit, h.AreaM2) { OwnerNames = h.Owners ?? [] })
            .ToList();
        var spacesByLot = file.Spaces.ToLookup(s => s.LotId, StringComparer.Ordinal);

        var lots = new List<LotDefinition>(file.Lots.Count);
        foreach (var lot in file.Lots)
        {
            var entrances = ToLocal(file, lot.Entrances);
            var spaces = spacesByLot[lot.Id]
                .Select(s =>
                {
                    var position = ToLocal(file, s.Position);
                    return new SpaceDefinition(
                        id,
                        lot.Id,
                        s.Id,
                        s.Label ?? s.Id,
                        SpaceEdits.ParseKind(s.Kind).Value,
                        SpaceEdits.ParseOwnership(s.Ownership).Value,
                        s.WalkMeters ?? Geometry.WalkMeters(entrances, position),
                        s.OwnerHouseholdId)
                    {
                        Position = position,
                        HeadingDegrees = s.Heading,
                    };
                })
                .ToList();
            lots.Add(new LotDefinition(id, lot.Id, lot.Name, ParseLotKind(lot.Kind), Walks(buildings, lot.WalkMeters, entrances), spaces)
            {
                Outline = ToLocal(file, lot.Outline),
                Entrances = entrances,
            });
        }

        var buildingOf = households.ToDictionary(h => h.Id, h => h.BuildingId, StringComparer.Ordinal);
        var users = file.People
            .Select(p => new CompoundUser(
                id,
                p.Id,
                p.Name,
                ParseRole(p.Role),
                p.HouseholdId,
                p.HouseholdId is { } h ? buildingOf.GetValueOrDefault(h) : null,
                [.. (p.Vehicles ?? []).Select(v => new Vehicle(Membership.Plate.TryParse(v.Plate, out var plate) ? plate.Value : v.Plate, v.Electric))]))
            .ToList();

        return new CompoundLayout(id, file.Compound.Name, buildings, lots, households, users)
        {
            ChargingAreas =
            [
                .. file.ChargingAreas.Select(a => new ChargingAreaDefinition(
                    a.Id,
                    a.Name,
                    a.LotId,
                    a.FeedKw,
                    [
                        .. a.Chargers.Select(c => new ChargerDefinition(c.Id, c.SpaceIds[0], c.MaxKw)
                        {
                            Phase = Enum.Parse<ChargerPhase>(c.Phase, ignoreCase: true),
                            AlsoReachesSpaceIds = [.. c.SpaceIds.Skip(1)],
                        }),
                    ])
                {
                    SiteCapacityKwByHour = a.FeedKwByHour,
                    PhaseLimitKw = a.PhaseLimitKw,
                    PhaseImbalanceKw = a.PhaseImbalanceKw,
                }),
            ],
            Shelters =
            [
                .. file.Shelters.Select(s =>
                {
                    var position = s.Position is { } p ? ToLocal(file, p) : buildings.First(b => b.Id == s.NearBuildingId).Position;
                    return new ShelterDefinition(
                        s.Id,
                        s.Name,
                        s.NearBuildingId,
                        s.Ports,
                        s.PowerLimitKw,
                        Walks(buildings, s.WalkMeters, position is { } at ? [at] : []))
                    {
                        Position = s.Position is { } own ? ToLocal(file, own) : null,
                    };
                }),
            ],
            UtcOffsetMinutes = ParseUtcOffset(file.Compound.UtcOffset),
            SubDistrictId = file.Compound.SubDistrict,
            SpaceService = file.Spaces
                .Where(s => s.OutOfService is not null)
                .ToDictionary(s => s.Id, s => s.OutOfService!.Value, StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// A live compound as a file. Walking distances are written only where deriving them from the positions would
    /// give another number, so the file stays small and re-imports to the same layout; a space's service only where
    /// the layout's <see cref="CompoundLayout.SpaceService"/> names it.
    /// </summary>
    public static CompoundFile FromLayout(CompoundLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var buildings = layout.Buildings;
        var householdsById = layout.Households.ToDictionary(h => h.Id, StringComparer.Ordinal);
        var offset = TimeSpan.FromMinutes(layout.UtcOffsetMinutes);
        return new CompoundFile
        {
            Compound = new CompoundEntry(layout.CompoundId, layout.Name)
            {
                UtcOffset = (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture),
                SubDistrict = layout.SubDistrictId,
            },
            Buildings = [.. buildings.Select(b => new BuildingEntry(b.Id, b.Name) { Position = b.Position })],
            Households = [.. layout.Households.Select(h => new HouseholdEntry(h.Id, h.BuildingId, h.Unit, h.ExclusiveAreaSquareMeters) { Owners = h.OwnerNames.Count > 0 ? h.OwnerNames : null })],
            Lots =
            [
                .. layout.Lots.Select(l => new LotEntry(l.LotId, l.Name, l.Kind.ToString().ToLowerInvariant())
                {
                    Outline = l.Outline,
                    Entrances = l.Entrances,
                    WalkMeters = GivenWalks(buildings, l.WalkMetersToBuilding, l.Entrances),
                }),
            ],
            Spaces =
            [
                .. layout.Lots.SelectMany(l => l.Spaces.Select(s => new SpaceEntry(s.SpaceId, l.LotId, WireKind(s.Kind), s.Ownership.ToString().ToLowerInvariant())
                {
                    Label = s.Label == s.SpaceId ? null : s.Label,
                    OwnerHouseholdId = s.OwnerHouseholdId,
                    Position = s.Position ?? default,
                    Heading = s.HeadingDegrees,
                    WalkMeters = s.Position is { } p && Geometry.WalkMeters(l.Entrances, p) == s.WalkOffsetMeters ? null : s.WalkOffsetMeters,
                    OutOfService = layout.SpaceService.TryGetValue(s.SpaceId, out var outOfService) ? outOfService : null,
                })),
            ],
            ChargingAreas =
            [
                .. layout.ChargingAreas.Select(a => new ChargingAreaEntry(a.AreaId, a.Name, a.LotId, a.SiteCapacityKw)
                {
                    FeedKwByHour = a.SiteCapacityKwByHour,
                    PhaseLimitKw = a.PhaseLimitKw,
                    PhaseImbalanceKw = a.PhaseImbalanceKw,
                    Chargers = [.. a.Chargers.Select(c => new ChargerEntry(c.ChargerId, c.MaxKw, [c.SpaceId, .. c.AlsoReachesSpaceIds]) { Phase = WirePhase(c.Phase) })],
                }),
            ],
            Shelters =
            [
                .. layout.Shelters.Select(s => new ShelterEntry(s.ShelterId, s.Name, s.NearBuildingId, s.Ports, s.PowerLimitKw)
                {
                    Position = s.Position,
                    WalkMeters = GivenWalks(
                        buildings,
                        s.WalkMetersToBuilding,
                        (s.Position ?? buildings.FirstOrDefault(b => b.Id == s.NearBuildingId)?.Position) is { } at ? [at] : []),
                }),
            ],
            People =
            [
                .. layout.Users.Select(u => new PersonEntry(u.UserId, u.DisplayName, u.Role.ToString().ToLowerInvariant())
                {
                    HouseholdId = u.HouseholdId is { } h && householdsById.ContainsKey(h) ? h : null,
                    Vehicles = u.Vehicles.Count > 0 ? [.. u.Vehicles.Select(v => new VehicleEntry(v.Plate) { Electric = v.IsElectric })] : null,
                }),
            ],
        };
    }

    public static string WireKind(SpaceKind kind) => kind == SpaceKind.EV ? "ev" : kind.ToString().ToLowerInvariant();

    public static string WirePhase(ChargerPhase phase) => phase == ChargerPhase.Three ? "three" : phase.ToString();

    private static Dictionary<string, int> Walks(List<Building> buildings, IReadOnlyDictionary<string, int>? given, IReadOnlyList<Point> from)
    {
        var walks = new Dictionary<string, int>(buildings.Count, StringComparer.Ordinal);
        foreach (var b in buildings)
        {
            if (given is not null && given.TryGetValue(b.Id, out var meters))
            {
                walks[b.Id] = meters;
            }
            else if (b.Position is { } at)
            {
                walks[b.Id] = Geometry.WalkMeters(from, at);
            }
        }

        return walks;
    }

    private static Dictionary<string, int>? GivenWalks(IReadOnlyList<Building> buildings, IReadOnlyDictionary<string, int> walks, IReadOnlyList<Point> from)
    {
        var derivable = from.Count > 0
            && walks.Count == buildings.Count
            && buildings.All(b => b.Position is { } at && walks.TryGetValue(b.Id, out var m) && m == Geometry.WalkMeters(from, at));
        return derivable ? null : new Dictionary<string, int>(walks, StringComparer.Ordinal);
    }

    private static Point Origin(CompoundFile file) =>
        file.Lots.FirstOrDefault(l => l.Outline.Count > 0)?.Outline[0]
        ?? file.Buildings.FirstOrDefault(b => b.Position is not null)?.Position
        ?? default;

    private static LotKind ParseLotKind(string kind) => Enum.Parse<LotKind>(kind, ignoreCase: true);

    private static UserRole ParseRole(string role) => Enum.Parse<UserRole>(role, ignoreCase: true);

    private static int ParseUtcOffset(string text)
    {
        var sign = text.StartsWith('-') ? -1 : 1;
        var parts = text.TrimStart('+', '-').Split(':');
        return sign * ((int.Parse(parts[0], CultureInfo.InvariantCulture) * 60) + int.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
