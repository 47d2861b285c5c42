using Parking.Domain.Layout;
using Parking.Domain.Rebalancing;

namespace Parking.Planning.Rebalancing;

/// <summary>One lot as the model sees it: what may change in it and what may not.</summary>
internal sealed class LotSupply
{
    public required string LotId { get; init; }

    /// <summary>Shared-pool spaces (common or temporary) of each kind that cannot change: fixed by staff or of a kind not to touch.</summary>
    public required int[] Fixed { get; init; }

    /// <summary>Shared-pool spaces of each kind the optimizer may retype, in a stable order.</summary>
    public required List<SpaceDefinition>[] Movable { get; init; }

    /// <summary>kW of the chargers on fixed EV spaces.</summary>
    public required double FixedKw { get; init; }

    /// <summary>kW of the chargers on movable EV spaces.</summary>
    public required double MovableKw { get; init; }

    /// <summary>The lot has a charging area a new charger can join.</summary>
    public required bool HasArea { get; init; }

    /// <summary>The sum of the site capacities of the lot's charging areas (infinite without one).</summary>
    public required double SiteCapacityKw { get; init; }

    /// <summary>Private spaces not fixed: the supply a sharing window could open.</summary>
    public required int SharablePrivate { get; init; }

    public int MovableCount(int kind) => Movable[kind].Count;

    public int MovableTotal => Movable.Sum(m => m.Count);

    public double AverageMovableKw => Movable[(int)SpaceKind.EV].Count > 0 ? MovableKw / Movable[(int)SpaceKind.EV].Count : 0;
}

/// <summary>A daily sharing window the optimizer may choose, in whole local hours.</summary>
internal readonly record struct SharingWindowChoice(int FromHour, int UntilHour)
{
    public bool Covers(int hourOfDay) => FromHour <= UntilHour
        ? hourOfDay >= FromHour && hourOfDay < UntilHour
        : hourOfDay >= FromHour || hourOfDay < UntilHour;
}

/// <summary>The input of the model in arrays: buildings, lots, periods of the week, demand and walks.</summary>
internal sealed class PreparedRebalancing
{
    public const int Kinds = 4;

    /// <summary>The daily sharing windows the optimizer chooses from.</summary>
    public static readonly SharingWindowChoice[] CandidateWindows = [new(8, 18), new(9, 17), new(7, 19), new(8, 20), new(10, 16)];

    public PreparedRebalancing(
        CompoundLayout layout, RebalancingDemand demand, RebalancingConstraints constraints, RebalancingSolveOptions options,
        IReadOnlyList<SharingWindowChoice>? windows = null)
    {
        Windows = [.. windows ?? CandidateWindows];
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(demand);
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(options);

        Layout = layout;
        Constraints = constraints;
        Options = options;
        Buildings = [.. layout.Buildings.Select(b => b.Id)];
        var buildingIndex = Buildings.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);

        var chargerKw = layout.ChargingAreas.SelectMany(a => a.Chargers).GroupBy(c => c.SpaceId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(c => c.MaxKw), StringComparer.Ordinal);
        Lots = [.. layout.Lots.Select(lot => Supply(lot, layout, constraints, chargerKw))];
        Walk = [.. layout.Lots.Select(lot =>
        {
            var offset = lot.Spaces.Count > 0 ? lot.Spaces.Average(s => s.WalkOffsetMeters) : 0;
            return Buildings.Select(b => lot.WalkMetersTo(b) + offset).ToArray();
        })];
        LotsOf = [.. Enumerable.Range(0, Buildings.Length).Select(b => Enumerable.Range(0, Lots.Length)
            .OrderBy(l => Walk[l][b]).ThenBy(l => l)
            .Take(Math.Max(1, options.LotsPerBuilding))
            .ToArray())];

        // Periods of the week: all 168 hours, or weekday and weekend hours of day merged (their mean demand).
        var periodOf = new int[RebalancingDemand.HoursPerWeek];
        for (var h = 0; h < periodOf.Length; h++)
        {
            periodOf[h] = options.MergeWeekdays ? (h >= 5 * 24 ? 24 : 0) + (h % 24) : h;
        }

        var periods = periodOf.Max() + 1;
        PeriodWeight = new int[periods];
        PeriodHourOfDay = new int[periods];
        Away = new double[periods];
        for (var h = 0; h < periodOf.Length; h++)
        {
            PeriodWeight[periodOf[h]]++;
            PeriodHourOfDay[periodOf[h]] = h % 24;
            Away[periodOf[h]] += RebalancingDemand.OwnerAway(h);
        }

        for (var p = 0; p < periods; p++)
        {
            Away[p] /= PeriodWeight[p];
        }

        Demand = new double[Buildings.Length, periods, Kinds];
        foreach (var cell in demand.Cells)
        {
            if (cell.HourOfWeek is >= 0 and < RebalancingDemand.HoursPerWeek && cell.Amount > 0 && double.IsFinite(cell.Amount) &&
                buildingIndex.TryGetValue(cell.BuildingId, out var b))
            {
                var p = periodOf[cell.HourOfWeek];
                Demand[b, p, (int)cell.Need] += cell.Amount / PeriodWeight[p];
            }
        }
    }

    public CompoundLayout Layout { get; }

    public SharingWindowChoice[] Windows { get; }

    public RebalancingConstraints Constraints { get; }

    public RebalancingSolveOptions Options { get; }

    public string[] Buildings { get; }

    public LotSupply[] Lots { get; }

    /// <summary>Walk in metres from lot l (its mean space) to building b.</summary>
    public double[][] Walk { get; }

    /// <summary>The lots each building is served from.</summary>
    public int[][] LotsOf { get; }

    /// <summary>Hours of the week each period stands for.</summary>
    public int[] PeriodWeight { get; }

    public int[] PeriodHourOfDay { get; }

    /// <summary>Share of private owners away in each period.</summary>
    public double[] Away { get; }

    /// <summary>Mean demand per hour: [building, period, need].</summary>
    public double[,,] Demand { get; }

    public int Periods => PeriodWeight.Length;

    public bool CanGain(int lot, int kind) =>
        !Constraints.KindsNotToTouch.Contains((SpaceKind)kind) &&
        (kind != (int)SpaceKind.EV || (Lots[lot].HasArea && Constraints.MaxNewChargers > 0)) &&
        Lots[lot].MovableTotal > 0;

    public int SharablePrivateTotal => Constraints.ConsiderSharing && Constraints.SharingOwnersShare > 0 ? Lots.Sum(l => l.SharablePrivate) : 0;

    private static LotSupply Supply(LotDefinition lot, CompoundLayout layout, RebalancingConstraints constraints, Dictionary<string, double> chargerKw)
    {
        var fixedCounts = new int[Kinds];
        var movable = Enumerable.Range(0, Kinds).Select(_ => new List<SpaceDefinition>()).ToArray();
        double fixedKw = 0, movableKw = 0;
        var sharable = 0;
        var alsoReached = layout.ChargingAreas.SelectMany(a => a.Chargers).SelectMany(c => c.AlsoReachesSpaceIds).ToHashSet(StringComparer.Ordinal);
        foreach (var space in lot.Spaces.OrderBy(s => s.SpaceId, StringComparer.Ordinal))
        {
            // A space that another space's charger also reaches stays EV (ChargerLayoutRules): retyping it would need that
            // charger removed too, which is not this space's to give up.
            var isFixed = constraints.FixedSpaceIds.Contains(space.SpaceId) || alsoReached.Contains(space.SpaceId);
            if (space.Ownership == SpaceOwnership.Private)
            {
                // Private spaces belong to their household: never retyped, only opened to the pool.
                sharable += isFixed ? 0 : 1;
                continue;
            }

            var kw = space.Kind == SpaceKind.EV ? chargerKw.GetValueOrDefault(space.SpaceId) : 0;
            if (isFixed || constraints.KindsNotToTouch.Contains(space.Kind))
            {
                fixedCounts[(int)space.Kind]++;
                fixedKw += kw;
            }
            else
            {
                movable[(int)space.Kind].Add(space);
                movableKw += kw;
            }
        }

        var areas = layout.ChargingAreas.Where(a => a.LotId == lot.LotId).ToList();
        return new LotSupply
        {
            LotId = lot.LotId,
            Fixed = fixedCounts,
            Movable = movable,
            FixedKw = fixedKw,
            MovableKw = movableKw,
            HasArea = areas.Count > 0,
            SiteCapacityKw = areas.Count > 0 ? areas.Sum(a => a.SiteCapacityKw) : double.PositiveInfinity,
            SharablePrivate = sharable,
        };
    }
}
