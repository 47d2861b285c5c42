namespace Parking.Grains.Sharing;

/// <summary>
/// The compound's list of overstaying cars. Derived state, in memory only: a space flags a car once, so
/// after this grain is lost the list shows only cars flagged since; the space's calendar keeps the flag.
/// </summary>
[CompoundPlacement]
public sealed class OverstayRegistryGrain : Grain, IOverstayRegistryGrain
{
    private readonly Dictionary<string, Reservation> _overstays = new(StringComparer.Ordinal);

    public Task Flag(Reservation overstay)
    {
        _overstays[overstay.Id] = overstay;
        return Task.CompletedTask;
    }

    public Task Clear(string reservationId)
    {
        _overstays.Remove(reservationId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Reservation>> GetAll() =>
        Task.FromResult<IReadOnlyList<Reservation>>([.. _overstays.Values.OrderBy(r => r.Window.End)]);
}
