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
    [Id(7)] long Version);

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
