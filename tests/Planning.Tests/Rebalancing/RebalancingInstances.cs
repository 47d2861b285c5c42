using System.Globalization;
using Parking.Domain.Layout;
using Parking.Domain.Rebalancing;
using Parking.Planning.Rebalancing;

namespace Parking.Planning.Tests.Rebalancing;

/// <summary>Small hand-built and random compounds for the rebalancing optimizer.</summary>
internal static class RebalancingInstances
{
    public const string Compound = "rb";

    public static readonly RebalancingSolveOptions Quick = new() { TimeLimit = TimeSpan.FromSeconds(2) };

    public static SpaceDefinition Space(string lot, int n, SpaceKind kind, SpaceOwnership ownership = SpaceOwnership.Common, string? owner = null) =>
        new(Compound, lot, Id(lot, n), Id(lot, n), kind, ownership, n * 3, owner);

    public static LotDefinition Lot(string id, IReadOnlyDictionary<string, int> walks, IEnumerable<SpaceDefinition> spaces) =>
        new(Compound, id, id, LotKind.Surface, walks, [.. spaces]);

    public static CompoundLayout Layout(IReadOnlyList<string> buildings, IReadOnlyList<LotDefinition> lots, IReadOnlyList<ChargingAreaDefinition>? areas = null) =>
        new(Compound, "Test compound", [.. buildings.Select(b => new Building(b, b))], lots,
            [.. buildings.SelectMany(b => Enumerable.Range(1, 4).Select(i => new Household($"{b}-H{i}", b, $"{b}-{i}", 80m)))], [])
        {
            ChargingAreas = areas ?? [],
        };

    /// <summary>The same amount of demand in every hour of the week.</summary>
    public static IEnumerable<DemandCell> AllWeek(string building, Need need, double amount) =>
        Enumerable.Range(0, RebalancingDemand.HoursPerWeek).Select(h => new DemandCell(building, h, need, amount));

    public static IEnumerable<DemandCell> Hours(string building, Need need, double amount, int fromHour, int untilHour) =>
        Enumerable.Range(0, RebalancingDemand.HoursPerWeek).Where(h => h % 24 >= fromHour && h % 24 < untilHour)
            .Select(h => new DemandCell(building, h, need, amount));

    /// <summary>
    /// A random small compound (2–3 buildings, 2–3 lots of 3–10 spaces of mixed kinds and ownership, chargers on
    /// EV spaces of lots with an area) with random demand of every need.
    /// </summary>
    public static (CompoundLayout Layout, RebalancingDemand Demand, RebalancingConstraints Constraints) Random(int seed)
    {
        var random = new Random(seed);
        var buildings = Enumerable.Range(1, random.Next(2, 4)).Select(b => $"B{b}").ToList();
        var lots = new List<LotDefinition>();
        var areas = new List<ChargingAreaDefinition>();
        var lotCount = random.Next(2, 4);
        for (var l = 1; l <= lotCount; l++)
        {
            var lotId = $"L{l}";
            var spaces = new List<SpaceDefinition>();
            for (var s = 1; s <= random.Next(3, 11); s++)
            {
                var kind = (SpaceKind)random.Next(0, 4);
                var ownership = kind == SpaceKind.Standard && random.NextDouble() < 0.3 ? SpaceOwnership.Private : SpaceOwnership.Common;
                spaces.Add(Space(lotId, s, kind, ownership, ownership == SpaceOwnership.Private ? $"{buildings[0]}-H1" : null));
            }

            var walks = buildings.ToDictionary(b => b, _ => random.Next(10, 400));
            lots.Add(Lot(lotId, walks, spaces));
            if (random.NextDouble() < 0.7)
            {
                var chargers = spaces.Where(s => s.Kind == SpaceKind.EV && random.NextDouble() < 0.8)
                    .Select(s => new ChargerDefinition("C-" + s.SpaceId, s.SpaceId, 7)).ToList();
                areas.Add(new ChargingAreaDefinition("CA-" + lotId, lotId, lotId, random.Next(7, 40), chargers));
            }
        }

        var layout = Layout(buildings, lots, areas);
        var cells = new List<DemandCell>();
        foreach (var b in buildings)
        {
            foreach (var need in Enum.GetValues<Need>())
            {
                var amount = random.NextDouble() * (need == Need.Charging ? 20 : 5);
                var from = random.Next(0, 20);
                cells.AddRange(Hours(b, need, amount, from, random.Next(from + 1, 25)));
            }
        }

        var allSpaces = lots.SelectMany(l => l.Spaces).ToList();
        var constraints = new RebalancingConstraints
        {
            FixedSpaceIds = allSpaces.Where(_ => random.NextDouble() < 0.3).Select(s => s.SpaceId).ToHashSet(StringComparer.Ordinal),
            MaxSpaceChanges = random.Next(0, 6),
            MaxNewChargers = random.Next(0, 3),
            KindsNotToTouch = random.NextDouble() < 0.4 ? new HashSet<SpaceKind> { (SpaceKind)random.Next(0, 4) } : new HashSet<SpaceKind>(),
            ConsiderSharing = random.NextDouble() < 0.5,
        };
        return (layout, new RebalancingDemand(cells, "random"), constraints);
    }

    private static string Id(string lot, int n) => string.Create(CultureInfo.InvariantCulture, $"{lot}-{n:00}");
}
