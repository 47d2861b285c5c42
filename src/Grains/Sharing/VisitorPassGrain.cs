using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Sharing;

namespace Parking.Grains.Sharing;

[GenerateSerializer]
public sealed class VisitorPassState
{
    [Id(0)]
    internal List<VisitorPass> _passes = [];

    /// <summary>The household's passes, in the order they were booked.</summary>
    public IReadOnlyList<VisitorPass> Passes => _passes;

    /// <summary>A new pass; passes whose window ended before <paramref name="endedBefore"/> go.</summary>
    public void Add(VisitorPass pass, DateTimeOffset endedBefore)
    {
        ArgumentNullException.ThrowIfNull(pass);
        _passes.Add(pass);
        _passes.RemoveAll(p => p.Window.End < endedBefore);
    }

    /// <summary>The pass of reservation <paramref name="reservationId"/> was cancelled: its quota is free again.</summary>
    public void Cancelled(string reservationId)
    {
        var index = _passes.FindIndex(p => p.ReservationId == reservationId);
        if (index >= 0)
        {
            _passes[index] = _passes[index] with { Cancelled = true };
        }
    }
}

public sealed class VisitorPassGrain(
    [PersistentState("visitor-passes", GrainKeys.StorageName)] IPersistentState<VisitorPassState> state,
    IOptions<VisitorPolicy> visitorOptions,
    IOptions<SharingPolicy> sharingOptions,
    ParkingClock time) : Grain, IVisitorPassGrain
{
    private const int Candidates = 10;
    private static readonly TimeSpan Retention = TimeSpan.FromDays(14);

    private readonly VisitorPolicy _policy = visitorOptions.Value;
    private readonly TimeSpan _offset = sharingOptions.Value.UtcOffset;

    public async Task<Outcome<VisitorPass>> Book(string residentId, string? buildingId, string plate, TimeWindow window, string? spaceId)
    {
        var compoundId = CompoundScopedKey.Of(this).CompoundId;
        await RefreshCancellations();
        if (_policy.Check(Held(), window, _offset) is { } overQuota)
        {
            return overQuota;
        }

        IReadOnlyList<string> candidates;
        if (spaceId is not null)
        {
            candidates = [spaceId];
        }
        else
        {
            var search = await GrainFactory.Availability(compoundId).Search(new AvailabilityQuery(window, SpaceKind.Visitor, buildingId, Candidates));
            if (!search.IsSuccess)
            {
                return search.Error!;
            }

            candidates = [.. search.Value!.Select(s => s.SpaceId)];
            if (candidates.Count == 0)
            {
                return DomainError.Conflict("no-visitor-space", "No visitor space is free for that window.");
            }
        }

        DomainError? last = null;
        foreach (var candidate in candidates)
        {
            if (spaceId is not null && !await IsVisitorSpace(compoundId, candidate))
            {
                return DomainError.Invalid("spaceId", "not-a-visitor-space", "A visitor pass is for a visitor space.");
            }

            var made = await GrainFactory.Resident(compoundId, residentId).Reserve(candidate, window, plate, null);
            if (made.Value is { } result)
            {
                var pass = new VisitorPass(result.Reservation.Id, candidate, residentId, plate, window, Cancelled: false);
                state.State.Add(pass, time.GetUtcNow() - Retention);
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
        var week = VisitorPolicy.WeekOf(weekOf, _offset);
        var inWeek = Held().Where(w => week.Contains(w.Start)).ToList();
        var hours = inWeek.Aggregate(TimeSpan.Zero, (sum, w) => sum + w.Duration);
        return new VisitorPasses(
            [.. state.State.Passes.OrderBy(p => p.Window.Start)],
            week,
            Math.Max(0, _policy.PassesPerWeek - inWeek.Count),
            hours >= _policy.HoursPerWeek ? TimeSpan.Zero : _policy.HoursPerWeek - hours);
    }

    private IEnumerable<TimeWindow> Held() => state.State.Passes.Where(p => !p.Cancelled).Select(p => p.Window);

    private async Task<bool> IsVisitorSpace(string compoundId, string spaceId) =>
        (await GrainFactory.Space(compoundId, spaceId).GetAvailability())?.Definition.Kind == SpaceKind.Visitor;

    /// <summary>A cancelled pass gives its quota back: ask the passes' spaces, which know.</summary>
    private async Task RefreshCancellations()
    {
        var compoundId = CompoundScopedKey.Of(this).CompoundId;
        var changed = false;
        foreach (var pass in state.State.Passes.ToList())
        {
            if (pass.Cancelled || pass.Window.End < time.GetUtcNow())
            {
                continue;
            }

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
