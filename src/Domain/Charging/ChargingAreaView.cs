using Parking.Domain.Layout;

namespace Parking.Domain.Charging;

/// <summary>An area as staff see it: every charger, the requests with their turns, and how the plan was made.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargingAreaView(
    [Id(0)] string CompoundId,
    [Id(1)] ChargingAreaDefinition Definition,
    [Id(2)] double SiteCapacityKw,
    [Id(3)] IReadOnlyList<ChargerSnapshot> Chargers,
    [Id(4)] IReadOnlyList<ChargingRequest> Requests,
    [Id(5)] PlanSummary? Plan,
    [Id(6)] DateTimeOffset AsOf,
    [Id(7)] long Version)
{
    // Init-only members are stored in internal fields: the codec is generated in Parking.Grains (InternalsVisibleTo).
    [Id(8)] internal ChargingObjectiveOrder _objectiveOrder;
    [Id(9)] internal double? _minimumNeedKwh;

    /// <summary>What the area's plans put first (staff's choice).</summary>
    public ChargingObjectiveOrder ObjectiveOrder { get => _objectiveOrder; init => _objectiveOrder = value; }

    /// <summary>The minimum need per driver (kWh) of minimum-need-first; null when not set.</summary>
    public double? MinimumNeedKwh { get => _minimumNeedKwh; init => _minimumNeedKwh = value; }
}

public static class ChargingAreaViews
{
    public static ChargingAreaView View(this ChargingAreaBook book, DateTimeOffset now) => new(
        book.CompoundId,
        book.Definition ?? throw new InvalidOperationException("The area is not configured."),
        book.SiteCapacityKw,
        [.. book.Definition.Chargers.Select(c => book.Chargers.GetValueOrDefault(c.ChargerId) ?? ChargerSnapshot.New(c))],
        [.. book.Requests.OrderBy(r => r.Turn?.Window.Start ?? r.Window.End)],
        book.Plan,
        now,
        book.Version)
    {
        ObjectiveOrder = book.ObjectiveOrder,
        MinimumNeedKwh = book.MinimumNeedKwh,
    };
}
