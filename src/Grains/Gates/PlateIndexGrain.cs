using Microsoft.Extensions.Options;
using Parking.Domain.Gates;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;

namespace Parking.Grains.Gates;

[GenerateSerializer]
public sealed class PlateIndexState
{
    /// <summary>Active reservations that name a plate, by normalised plate.</summary>
    [Id(0)]
    public Dictionary<string, List<Reservation>> Reservations { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Which cars a compound knows (key: compound): the active reservations and visitor passes that name a plate
/// (the space grains report every change of one) and the residents' own cars (from the compound's users).
/// The gates ask it what a plate means at an instant, so a gate event never searches every space.
/// </summary>
public interface IPlateIndexGrain : IGrainWithStringKey
{
    /// <summary>A reservation changed: kept while active, dropped once it ends.</summary>
    [OneWay]
    Task Track(Reservation reservation);

    [ReadOnly]
    Task<PlateFacts> Lookup(string plate, DateTimeOffset at);
}

public sealed class PlateIndexGrain(
    [PersistentState("plate-index", GrainKeys.StorageName)] IPersistentState<PlateIndexState> state,
    IOptions<ReservationPolicy> reservationPolicy) : Grain, IPlateIndexGrain
{
    private readonly Dictionary<string, string> _householdOfPlate = new(StringComparer.Ordinal);
    private readonly HashSet<string> _householdsWithOwnSpace = new(StringComparer.Ordinal);
    private readonly HashSet<string> _visitorSpaces = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var compound = GrainFactory.Compound(this.GetPrimaryKeyString());
        foreach (var user in await compound.GetUsers(UserRole.Resident, int.MaxValue))
        {
            foreach (var vehicle in user.Vehicles)
            {
                if (PlateNumber.Normalize(vehicle.Plate) is { } plate && user.HouseholdId is { } household)
                {
                    _householdOfPlate[plate] = household;
                }
            }
        }

        if (await compound.GetLayout() is { } layout)
        {
            foreach (var space in layout.Lots.SelectMany(l => l.Spaces))
            {
                if (space.Ownership == SpaceOwnership.Private && space.OwnerHouseholdId is { } owner)
                {
                    _householdsWithOwnSpace.Add(owner);
                }

                if (space.Kind == SpaceKind.Visitor)
                {
                    _visitorSpaces.Add(space.SpaceId);
                }
            }
        }
    }

    public async Task Track(Reservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (PlateNumber.Normalize(reservation.Plate) is not { } plate)
        {
            return;
        }

        var list = state.State.Reservations.GetValueOrDefault(plate) ?? [];
        var at = list.FindIndex(r => r.Id == reservation.Id);
        if (at >= 0 && list[at].Revision > reservation.Revision)
        {
            // An older change arriving late.
            return;
        }

        if (at >= 0)
        {
            list.RemoveAt(at);
        }

        if (reservation.IsActive)
        {
            list.Add(reservation);
        }

        if (list.Count == 0)
        {
            state.State.Reservations.Remove(plate);
        }
        else
        {
            state.State.Reservations[plate] = list;
        }

        await state.WriteStateAsync();
    }

    public Task<PlateFacts> Lookup(string plate, DateTimeOffset at)
    {
        var normalized = PlateNumber.Normalize(plate);
        if (normalized is null)
        {
            return Task.FromResult(PlateFacts.Unknown);
        }

        var early = reservationPolicy.Value.EarlyCheckIn;
        var reservations = state.State.Reservations.GetValueOrDefault(normalized) ?? [];
        var checkedIn = reservations.FirstOrDefault(r => r.Status == ReservationStatus.CheckedIn);
        var arriving = reservations
            .Where(r => r.Status == ReservationStatus.Reserved && r.Window.Start - early <= at && at < r.Window.End)
            .OrderBy(r => r.Window.Start)
            .FirstOrDefault();
        var household = _householdOfPlate.GetValueOrDefault(normalized);
        var pass = (checkedIn ?? arriving) is { } held && _visitorSpaces.Contains(held.SpaceId);
        return Task.FromResult(new PlateFacts(
            checkedIn,
            arriving,
            household is not null,
            household is not null && _householdsWithOwnSpace.Contains(household),
            pass));
    }
}

public static class PlateIndexKeys
{
    public static IPlateIndexGrain PlateIndex(this IGrainFactory grains, string compoundId) => grains.GetGrain<IPlateIndexGrain>(compoundId);
}
