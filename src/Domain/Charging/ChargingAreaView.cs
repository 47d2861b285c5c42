using Parking.Domain.Layout;

namespace Parking.Domain.Charging;

/// <summary>An area as staff see it: every charger, the requests with their turns, and how the plan was made.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargingAreaView(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] ChargingAreaDefinition Definition,
    [property: Id(2)] double SiteCapacityKw,
    [property: Id(3)] IReadOnlyList<ChargerSnapshot> Chargers,
    [property: Id(4)] IReadOnlyList<ChargingRequest> Requests,
    [property: Id(5)] PlanSummary? Plan,
    [property: Id(6)] DateTimeOffset AsOf,
    [property: Id(7)] long Version);

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
        book.Version);
}
