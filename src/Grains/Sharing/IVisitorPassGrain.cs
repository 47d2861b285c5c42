using Parking.Domain.Sharing;

namespace Parking.Grains;

/// <summary>The household's passes and what is left of the quota in the week asked about.</summary>
[GenerateSerializer, Immutable]
public sealed record VisitorPasses(
    [property: Id(0)] IReadOnlyList<VisitorPass> Passes,
    [property: Id(1)] TimeWindow Week,
    [property: Id(2)] int PassesLeft,
    [property: Id(3)] TimeSpan HoursLeft);

/// <summary>
/// The visitor passes of one household (key: compound/household): one writer, so the weekly quota holds
/// however many of the household's residents ask at once.
/// </summary>
public interface IVisitorPassGrain : IGrainWithStringKey
{
    /// <summary>Books a visitor space (the given one, or the free one nearest the resident's building) within the quota.</summary>
    Task<Outcome<VisitorPass>> Book(string residentId, string? buildingId, string plate, TimeWindow window, string? spaceId);

    Task<VisitorPasses> Get(DateTimeOffset weekOf);
}
