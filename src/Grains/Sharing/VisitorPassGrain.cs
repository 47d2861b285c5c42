using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Membership;
using Parking.Domain.Sharing;

namespace Parking.Grains.Sharing;

public sealed class VisitorPassGrain(
    [PersistentState("visitor-passes", GrainKeys.StorageName)] IPersistentState<VisitorPassState> state,
    IOptions<VisitorPolicy> visitorOptions,
    IOptions<SharingPolicy> sharingOptions,
    ParkingClock time) : Grain, IVisitorPassGrain
{
    private const int Candidates = 10;

    private readonly VisitorPolicy _policy = visitorOptions.Value;
    private readonly TimeSpan _offset = sharingOptions.Value.UtcOffset;

    public async Task<Outcome<VisitorPass>> Book(string residentId, string? buildingId, string plate, TimeWindow window, string? spaceId)
    {
        var compoundId = CompoundScopedKey.Of(this).CompoundId;
        var visitorPlate = Plate.Parse(plate, "plate");
        if (visitorPlate.Error is { } badPlate)
        {
            return badPlate;
        }

        plate = visitorPlate.Value.Value;
        await RefreshCancellations();
        if (state.State.Check(_policy, window, _offset) is { } overQuota)
        {
            return overQuota;
        }

        IReadOnlyList<string> free = [];
        if (spaceId is null)
        {
            var search = await GrainFactory.Availability(compoundId).Search(new AvailabilityQuery(window, SpaceKind.Visitor, buildingId, Candidates));
            if (!search.IsSuccess)
            {
                return search.Error!;
            }

            free = [.. search.Value!.Select(s => s.SpaceId)];
        }

        var candidates = VisitorPassState.Candidates(spaceId, spaceId is null ? null : await KindOf(compoundId, spaceId), free);
        if (candidates.Error is { } none)
        {
            return none;
        }

        DomainError? last = null;
        foreach (var candidate in candidates.Value!)
        {
            var made = await GrainFactory.Resident(compoundId, residentId).Reserve(candidate, window, plate, null);
            if (made.Value is { } result)
            {
                var pass = new VisitorPass(result.Reservation.Id, candidate, residentId, plate, window, Cancelled: false);
                state.State.Booked(pass, time.GetUtcNow());
                await state.WriteStateAsync();
                return pass;
            }

            last = made.Error;
            if (last?.Code != "space-taken")
            {
                break;
            }
        }

        return last!;
    }

    public async Task<VisitorPasses> Get(DateTimeOffset weekOf)
    {
        await RefreshCancellations();
        var quota = state.State.Quota(_policy, weekOf, _offset);
        return new VisitorPasses([.. state.State.Passes.OrderBy(p => p.Window.Start)], quota.Week, quota.PassesLeft, quota.HoursLeft);
    }

    private async Task<SpaceKind?> KindOf(string compoundId, string spaceId) =>
        (await GrainFactory.Space(compoundId, spaceId).GetAvailability())?.Definition.Kind;

    /// <summary>A cancelled pass gives its quota back: ask the passes' spaces, which know.</summary>
    private async Task RefreshCancellations()
    {
        var compoundId = CompoundScopedKey.Of(this).CompoundId;
        var changed = false;
        foreach (var pass in state.State.Open(time.GetUtcNow()))
        {
            var current = await GrainFactory.Space(compoundId, pass.SpaceId).GetReservation(pass.ReservationId, new Actor(pass.ResidentId, IsStaff: false));
            if (current.Value?.Status == ReservationStatus.Cancelled)
            {
                state.State.Cancelled(pass.ReservationId);
                changed = true;
            }
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }
}
