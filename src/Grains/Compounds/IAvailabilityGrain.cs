namespace Parking.Grains;

/// <summary>Answers availability searches for a compound (key: compound id) from its lots' indexes.</summary>
public interface IAvailabilityGrain : IGrainWithStringKey
{
    Task<Outcome<IReadOnlyList<AvailableSpace>>> Search(AvailabilityQuery query);
}
