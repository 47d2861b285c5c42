using System.Globalization;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Layout;

namespace Parking.Domain.Seeding;

/// <summary>The sizes of demo compound one can seed.</summary>
public enum DemoCompoundSize
{
    /// <summary>3 buildings, 60 households, 40 spaces: for tests and quick looks.</summary>
    Small,

    /// <summary>Modelled on Chengshangcheng: 23 buildings, 1,522 households, 900 spaces in 5 lots.</summary>
    Chengshangcheng,

    /// <summary>Modelled on Kangcheng: 280 buildings, 14,000 households, 6,000 spaces in 24 lots.</summary>
    Kangcheng,
}

/// <summary>
/// Builds a demo compound deterministically: the same size and seed always give the same layout,
/// users and plates, so tests, benchmarks and the embedded default can rely on its ids.
/// </summary>
public static class DemoCompoundGenerator
{
    private const string PlateLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ";

    private sealed record LotSpec(string Id, string Name, LotKind Kind, int Capacity, int X, int Y);

    private sealed record Profile(
        string CompoundId,
        string Name,
        int Buildings,
        int Households,
        int EvSpaces,
        int AccessibleSpaces,
        IReadOnlyList<LotSpec> Lots,
        int Shelters,
        int PortsPerShelter);

    public static CompoundLayout Generate(DemoCompoundSize size, int seed = 2004) => Generate(ProfileFor(size), seed);

    /// <summary>The demo compound as a compound file: the embedded default imports this, like any compound.</summary>
    public static CompoundFile GenerateFile(DemoCompoundSize size, int seed = 2004) =>
        CompoundFileMapping.FromLayout(Generate(size, seed));

    public static string CompoundIdFor(DemoCompoundSize size) => ProfileFor(size).CompoundId;

    private static Profile ProfileFor(DemoCompoundSize size) => size switch
    {
        DemoCompoundSize.Small => new("demo-small", "示范花园", 3, 60, 4, 2,
        [
            new("G1", "地下车库", LotKind.Underground, 28, 40, 0),
            new("T1", "访客停车场", LotKind.Temporary, 12, 0, 60),
        ], Shelters: 1, PortsPerShelter: 10),
        DemoCompoundSize.Chengshangcheng => new("chengshangcheng", "城上城", 23, 1522, 60, 18,
        [
            new("G1", "北区地下车库", LotKind.Underground, 360, 150, 0),
            new("G2", "南区地下车库", LotKind.Underground, 280, 150, 400),
            new("S1", "东侧地面停车场", LotKind.Surface, 140, 320, 200),
            new("S2", "西侧地面停车场", LotKind.Surface, 80, -20, 200),
            new("T1", "临时及访客停车场", LotKind.Temporary, 40, 150, 460),
        ], Shelters: 10, PortsPerShelter: 30),
        DemoCompoundSize.Kangcheng => new("kangcheng", "康城", 280, 14000, 300, 120,
        [
            .. Enumerable.Range(0, 24).Select(i => new LotSpec(
                $"L{i + 1:00}",
                string.Create(CultureInfo.InvariantCulture, $"{i + 1}号停车场"),
                i % 4 == 3 ? LotKind.Surface : i == 23 ? LotKind.Temporary : LotKind.Underground,
                250,
                (i % 6) * 300,
                (i / 6) * 300)),
        ], Shelters: 40, PortsPerShelter: 60),
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "Unknown demo compound size."),
    };

    private static CompoundLayout Generate(Profile profile, int seed)
    {
        var random = new Random(seed);
        var id = profile.CompoundId;

        // Buildings stand on a grid, 60 m apart; lots lie between and around them.
        var perRow = (int)Math.Ceiling(Math.Sqrt(profile.Buildings));
        var buildings = new List<Building>(profile.Buildings);
        var positions = new Dictionary<string, (int X, int Y)>();
        for (var b = 0; b < profile.Buildings; b++)
        {
            var buildingId = $"B{b + 1:00}";
            positions[buildingId] = ((b % perRow) * 60 + 20, (b / perRow) * 60 + 20);
            buildings.Add(new Building(buildingId, string.Create(CultureInfo.InvariantCulture, $"{b + 1}号楼"))
            {
                Position = new Point(positions[buildingId].X, positions[buildingId].Y),
            });
        }

        var households = new List<Household>(profile.Households);
        for (var h = 0; h < profile.Households; h++)
        {
            var building = buildings[h % buildings.Count];
            var unit = string.Create(CultureInfo.InvariantCulture, $"{building.Id}-{(h / buildings.Count) + 101}");
            var area = Math.Round(55m + (decimal)random.NextDouble() * 85m, 1);
            households.Add(new Household($"H{h + 1:00000}", building.Id, unit, area));
        }

        var permanent = profile.Lots.Where(l => l.Kind != LotKind.Temporary).ToList();
        var totalSpaces = permanent.Sum(l => l.Capacity);
        var evLeft = profile.EvSpaces;
        var accessibleLeft = profile.AccessibleSpaces;
        var lots = new List<LotDefinition>(profile.Lots.Count);
        foreach (var spec in profile.Lots)
        {
            var walk = positions.ToDictionary(
                p => p.Key,
                p => Math.Abs(p.Value.X - spec.X) + Math.Abs(p.Value.Y - spec.Y));

            // Each permanent lot takes a share of the EV and accessible spaces in proportion to its size;
            // the last one takes what rounding left over.
            var last = spec == permanent[^1];
            var evHere = spec.Kind == LotKind.Temporary ? 0
                : last ? evLeft
                : Math.Min(evLeft, (int)Math.Round((double)profile.EvSpaces * spec.Capacity / totalSpaces));
            var accessibleHere = spec.Kind == LotKind.Temporary ? 0
                : last ? accessibleLeft
                : Math.Min(accessibleLeft, Math.Max(1, (int)Math.Round((double)profile.AccessibleSpaces * spec.Capacity / totalSpaces)));
            evLeft -= evHere;
            accessibleLeft -= accessibleHere;

            var spaces = new List<SpaceDefinition>(spec.Capacity);
            for (var s = 0; s < spec.Capacity; s++)
            {
                // Accessible spaces sit by the entrance, EV spaces along the far wall where the cables run.
                var kind = spec.Kind == LotKind.Temporary ? (s % 2 == 0 ? SpaceKind.Visitor : SpaceKind.Standard)
                    : s < accessibleHere ? SpaceKind.Accessible
                    : s >= spec.Capacity - evHere ? SpaceKind.EV
                    : SpaceKind.Standard;
                var ownership = spec.Kind switch
                {
                    LotKind.Temporary => SpaceOwnership.Temporary,
                    LotKind.Surface => SpaceOwnership.Common,
                    _ when kind is SpaceKind.Accessible or SpaceKind.EV => SpaceOwnership.Common,
                    _ => random.NextDouble() < 0.85 ? SpaceOwnership.Private : SpaceOwnership.Common,
                };
                var owner = ownership == SpaceOwnership.Private ? households[random.Next(households.Count)].Id : null;
                // Rows of 20 spaces 2.5 m wide, rows 6 m apart, from the entrance at the lot's corner.
                var along = (s % 20) * 2.5;
                var across = (s / 20) * 6.0;
                var offset = (int)Math.Round(along + across);
                var label = string.Create(CultureInfo.InvariantCulture, $"{spec.Id}-{s + 1:000}");
                spaces.Add(new SpaceDefinition(id, spec.Id, label, label, kind, ownership, offset, owner)
                {
                    Position = new Point(spec.X + along, spec.Y + across),
                    HeadingDegrees = (s / 20) % 2 == 0 ? 0 : 180,
                });
            }

            var rows = (spec.Capacity + 19) / 20;
            lots.Add(new LotDefinition(id, spec.Id, spec.Name, spec.Kind, walk, spaces)
            {
                Entrances = [new Point(spec.X, spec.Y)],
                Outline =
                [
                    new Point(spec.X - 3, spec.Y - 4),
                    new Point(spec.X + 51, spec.Y - 4),
                    new Point(spec.X + 51, spec.Y + ((rows - 1) * 6) + 4),
                    new Point(spec.X - 3, spec.Y + ((rows - 1) * 6) + 4),
                ],
            });
        }

        var users = new List<CompoundUser>(profile.Households + 8);
        for (var h = 0; h < households.Count; h++)
        {
            var household = households[h];
            var vehicles = new List<Vehicle>();
            if (random.NextDouble() < 0.6)
            {
                vehicles.Add(new Vehicle(NewPlate(random), IsElectric: random.NextDouble() < 0.25));
            }

            users.Add(new CompoundUser(
                id,
                $"r{h + 1:00000}",
                string.Create(CultureInfo.InvariantCulture, $"{household.Unit}室住户"),
                UserRole.Resident,
                household.Id,
                household.BuildingId,
                vehicles));
        }

        for (var s = 1; s <= 3; s++)
        {
            users.Add(new CompoundUser(id, $"staff{s:00}", string.Create(CultureInfo.InvariantCulture, $"物业员工{s}"), UserRole.Staff, null, null, []));
        }

        for (var c = 1; c <= 3; c++)
        {
            users.Add(new CompoundUser(id, $"committee{c:00}", string.Create(CultureInfo.InvariantCulture, $"业委会委员{c}"), UserRole.Committee, null, null, []));
        }

        // The sub-district operator who onboards compounds; signs in to the demo like anyone else.
        users.Add(new CompoundUser(id, "operator01", "街道运营员", UserRole.Operator, null, null, []));

        return new CompoundLayout(id, profile.Name, buildings, lots, households, users)
        {
            // Every demo compound lies in one sub-district (Caojiadu), whose operator is seeded above.
            SubDistrictId = DemoSubDistrict,
            ChargingAreas = ChargingAreasFor(lots),
            Shelters = SheltersFor(profile, buildings, positions),
        };
    }

    /// <summary>The sub-district of the demo compounds: its operator (<c>operator01</c>) may act in each of them.</summary>
    public const string DemoSubDistrict = "caojiadu";

    /// <summary>Kilowatts of a demo charger: the 7 kW AC wallbox common in Chinese compounds.</summary>
    public const double DemoChargerKw = 7.0;

    /// <summary>
    /// One charging area per lot with EV spaces, one charger per EV space; the feed carries only half of
    /// what all chargers could draw at once, so in-turn plans must share it.
    /// </summary>
    private static List<ChargingAreaDefinition> ChargingAreasFor(List<LotDefinition> lots) =>
    [
        .. lots
            .Select(lot => (lot, chargers: lot.Spaces
                .Where(s => s.Kind == SpaceKind.EV)
                .Select(s => new ChargerDefinition("C-" + s.SpaceId, s.SpaceId, DemoChargerKw))
                .ToList()))
            .Where(x => x.chargers.Count > 0)
            .Select(x => new ChargingAreaDefinition(
                "CA-" + x.lot.LotId,
                x.lot.Name,
                x.lot.LotId,
                Math.Max(DemoChargerKw, Math.Round(x.chargers.Count * DemoChargerKw / 2)),
                x.chargers)),
    ];

    /// <summary>Shelters spread evenly over the buildings, each standing beside one; 0.4 kW per port, capped at half.</summary>
    private static List<ShelterDefinition> SheltersFor(
        Profile profile,
        List<Building> buildings,
        Dictionary<string, (int X, int Y)> positions)
    {
        var shelters = new List<ShelterDefinition>(profile.Shelters);
        for (var i = 0; i < profile.Shelters; i++)
        {
            var near = buildings[i * buildings.Count / profile.Shelters];
            var at = positions[near.Id];
            var walk = positions.ToDictionary(p => p.Key, p => Math.Abs(p.Value.X - at.X) + Math.Abs(p.Value.Y - at.Y) + 15);
            shelters.Add(new ShelterDefinition(
                $"E{i + 1:00}",
                string.Create(CultureInfo.InvariantCulture, $"{i + 1}号电动自行车车棚"),
                near.Id,
                profile.PortsPerShelter,
                Math.Round(profile.PortsPerShelter * 0.4 / 2, 1),
                walk));
        }

        return shelters;
    }

    private static string NewPlate(Random random)
    {
        Span<char> tail = stackalloc char[5];
        for (var i = 0; i < tail.Length; i++)
        {
            tail[i] = i == 0 || random.NextDouble() < 0.3
                ? PlateLetters[random.Next(PlateLetters.Length)]
                : (char)('0' + random.Next(10));
        }

        return "沪" + PlateLetters[random.Next(4)] + new string(tail);
    }
}
