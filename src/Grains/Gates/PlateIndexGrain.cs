using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parking.Domain.Gates;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;

namespace Parking.Grains.Gates;

/// <summary>
/// Which cars a compound knows (key: compound): the active reservations and visitor passes that name a plate
/// (the space grains report every change of one) and the residents' own cars (from the compound's users).
/// The gates ask it what a plate means at an instant, so a gate event never searches every space.
/// The spaces are the truth: on activation the index reads every space's active bookings, so bookings made
/// before it ran (a silo restart, an upgrade of a running compound, a report lost with a silo) are known
/// before the first gate event is decided. It is therefore not stored.
/// </summary>
public interface IPlateIndexGrain : IGrainWithStringKey
{
    /// <summary>A reservation changed: kept while active, dropped once it ends.</summary>
    [OneWay]
    Task Track(Reservation reservation);

    [ReadOnly]
    Task<PlateFacts> Lookup(string plate, DateTimeOffset at);

    /// <summary>
    /// Who has a live booking (reserved or checked in) that names the plate, in any spelling the plate rule reads:
    /// for example a visitor's car residents booked spaces for. None for a plate no live booking names.
    /// </summary>
    [ReadOnly]
    Task<IReadOnlyList<string>> BookersOf(string plate);
}

[CompoundPlacement]
public sealed partial class PlateIndexGrain(
    IOptions<ReservationPolicy> reservationPolicy,
    ILogger<PlateIndexGrain> logger) : Grain, IPlateIndexGrain
{
    /// <summary>Spaces read at once while rebuilding: enough to be quick, few enough not to flood a silo.</summary>
    private const int RebuildParallelism = 64;

    /// <summary>Active reservations that name a plate, by normalised plate.</summary>
    private readonly Dictionary<string, List<Reservation>> _reservations = new(StringComparer.Ordinal);
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

        if (await compound.GetLayout() is not { } layout)
        {
            return;
        }

        var spaces = layout.Lots.SelectMany(l => l.Spaces).ToList();
        foreach (var space in spaces)
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

        await Rebuild(spaces, cancellationToken);
    }

    /// <summary>Reads every space's active bookings (the spaces answer while busy: <c>GetAdmin</c> interleaves).</summary>
    private async Task Rebuild(List<SpaceDefinition> spaces, CancellationToken cancellationToken)
    {
        // In batches on the grain's own scheduler (not Parallel.ForEachAsync: grain calls need the activation's context).
        var found = new List<Reservation>();
        foreach (var batch in spaces.Chunk(RebuildParallelism))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var admin in await Task.WhenAll(batch.Select(s => GrainFactory.Space(s.CompoundId, s.SpaceId).GetAdmin())))
            {
                if (admin.Value is { } space)
                {
                    found.AddRange(space.Active.Where(r => PlateNumber.Normalize(r.Plate) is not null));
                }
            }
        }

        // Reports that arrive while this runs wait for the activation to finish, then apply by revision.
        foreach (var reservation in found)
        {
            Apply(reservation);
        }

        LogRebuilt(this.GetPrimaryKeyString(), found.Count, spaces.Count);
    }

    public Task Track(Reservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        Apply(reservation);
        return Task.CompletedTask;
    }

    private void Apply(Reservation reservation)
    {
        if (PlateNumber.Normalize(reservation.Plate) is not { } plate)
        {
            return;
        }

        var list = _reservations.GetValueOrDefault(plate) ?? [];
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
            _reservations.Remove(plate);
        }
        else
        {
            _reservations[plate] = list;
        }
    }

    public Task<IReadOnlyList<string>> BookersOf(string plate) =>
        Task.FromResult<IReadOnlyList<string>>(PlateNumber.Normalize(plate) is { } normalized && _reservations.TryGetValue(normalized, out var held)
            ? [.. held.Select(r => r.ResidentId).Distinct(StringComparer.Ordinal)]
            : []);

    public Task<PlateFacts> Lookup(string plate, DateTimeOffset at)
    {
        var normalized = PlateNumber.Normalize(plate);
        if (normalized is null)
        {
            return Task.FromResult(PlateFacts.Unknown);
        }

        var early = reservationPolicy.Value.EarlyCheckIn;
        var reservations = _reservations.GetValueOrDefault(normalized) ?? [];
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

public sealed partial class PlateIndexGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Plate index of {CompoundId} rebuilt: {Bookings} active booking(s) with a plate on {Spaces} space(s)")]
    private partial void LogRebuilt(string compoundId, int bookings, int spaces);
}

public static class PlateIndexKeys
{
    public static IPlateIndexGrain PlateIndex(this IGrainFactory grains, string compoundId) => grains.GetGrain<IPlateIndexGrain>(compoundId);
}
