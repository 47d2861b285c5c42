using Microsoft.Extensions.Logging;
using Parking.Domain.Charging;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Membership;
using Parking.Grains.Membership;

namespace Parking.Grains.Compounds;

/// <summary>What a re-import would do to the bookings of one removed space.</summary>
[GenerateSerializer, Immutable]
public sealed record BookingEffect(
    [property: Id(0)] string SpaceId,
    [property: Id(1)] int ActiveBookings,
    [property: Id(2)] string Effect);

/// <summary>What a re-import would do to one live charging request (its turn is on a removed charger, or its area left the file).</summary>
[GenerateSerializer, Immutable]
public sealed record ChargingRequestEffect(
    [property: Id(0)] string AreaId,
    [property: Id(1)] string RequestId,
    [property: Id(2)] ChargingRequestStatus Status,
    [property: Id(3)] string? ChargerId,
    [property: Id(4)] string Effect);

/// <summary>What a re-import would do to the owner's sharing plan of one removed or re-owned space.</summary>
[GenerateSerializer, Immutable]
public sealed record SharingPlanEffect(
    [property: Id(0)] string SpaceId,
    [property: Id(1)] string? OwnerHouseholdId,
    [property: Id(2)] string Effect);

/// <summary>A checked compound file against the live compound: the diff, its effect on bookings, and the version it was read at.</summary>
public sealed record ImportPreview(
    CompoundLayout Layout,
    LayoutDiff Diff,
    int LiveVersion,
    IReadOnlyList<BookingEffect> Bookings)
{
    /// <summary>Live charging requests the change reaches.</summary>
    public IReadOnlyList<ChargingRequestEffect> ChargingRequests { get; init; } = [];

    /// <summary>Owners' sharing plans the change ends.</summary>
    public IReadOnlyList<SharingPlanEffect> SharingPlans { get; init; } = [];

    public bool IsNewCompound => LiveVersion == 0;
}

/// <summary>What an apply did.</summary>
public sealed record ImportOutcome(ImportPreview Preview, int LayoutVersion, int BookingsMoved);

/// <summary>
/// Brings a checked compound layout into the cluster: the one way compounds come in, whether the demo at start,
/// the <c>import</c> command or the operator's API. A first import configures every space; a re-import is a layout
/// change that follows the staff-edit rules: a removed space is blocked first (its bookings cancelled, refunded in
/// full and moved to a free space of the same kind, drivers told), a retyped or re-owned space is redefined
/// (bookings stay), and the lots rebuild their indexes. The compound's layout version makes two concurrent applies
/// of the same preview fail but one.
/// </summary>
public sealed partial class CompoundImporter(IGrainFactory grains, ILogger<CompoundImporter> logger)
{
    private const int Parallelism = 64;

    public async Task<ImportPreview> Preview(CompoundLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var compound = grains.Compound(layout.CompoundId);
        var live = await compound.GetLayout();
        var diff = LayoutDiff.Between(live, layout);
        var bookings = new List<BookingEffect>();
        foreach (var space in diff.SpacesRemoved)
        {
            var admin = await grains.Space(space.CompoundId, space.SpaceId).GetAdmin();
            var active = admin.Value?.Active.Count ?? 0;
            if (active > 0)
            {
                bookings.Add(new BookingEffect(space.SpaceId, active, "cancelled, refunded in full, and moved to a free space of the same kind where one is free; drivers told"));
            }
        }

        foreach (var change in diff.SpacesChanged)
        {
            var admin = await grains.Space(change.After.CompoundId, change.After.SpaceId).GetAdmin();
            var active = admin.Value?.Active.Count ?? 0;
            if (active > 0)
            {
                bookings.Add(new BookingEffect(change.After.SpaceId, active, change.Reowned ? "kept; the new owner does not inherit the old owner's sharing plan" : "kept"));
            }
        }

        return new ImportPreview(layout, diff, live?.LayoutVersion ?? 0, bookings)
        {
            ChargingRequests = live is null ? [] : await ChargingEffects(live, layout, diff),
            SharingPlans = await SharingEffects(diff),
        };
    }

    /// <summary>
    /// The live requests whose turn is on a charger the file drops (back to waiting, re-planned onto the chargers
    /// left, driver told as for a faulted charger), and those of an area the file drops (they keep waiting: no charger
    /// is left to plan them on).
    /// </summary>
    private async Task<IReadOnlyList<ChargingRequestEffect>> ChargingEffects(CompoundLayout live, CompoundLayout layout, LayoutDiff diff)
    {
        var removed = diff.ChargersChanged.Where(c => c.After is null).Select(c => c.ChargerId).ToHashSet(StringComparer.Ordinal);
        var keptAreas = layout.ChargingAreas.Select(a => a.AreaId).ToHashSet(StringComparer.Ordinal);
        var effects = new List<ChargingRequestEffect>();
        foreach (var area in live.ChargingAreas)
        {
            var areaGone = !keptAreas.Contains(area.AreaId);
            if (!areaGone && !area.Chargers.Any(c => removed.Contains(c.ChargerId)))
            {
                continue;
            }

            var view = await grains.ChargingArea(live.CompoundId, area.AreaId).GetView();
            foreach (var request in view?.Requests.Where(r => r.IsActive) ?? [])
            {
                var charger = request.Turn?.ChargerId;
                if (areaGone)
                {
                    effects.Add(new(area.AreaId, request.Id, request.Status, charger, "the area leaves the file: the request keeps waiting with no charger to plan it on (staff or the driver cancel it)"));
                }
                else if (charger is not null && removed.Contains(charger))
                {
                    effects.Add(new(area.AreaId, request.Id, request.Status, charger, "its charger leaves the file: back to waiting, re-planned onto the chargers left; the driver is told"));
                }
            }
        }

        return effects;
    }

    /// <summary>The owners' sharing plans that end: on a removed space (withdrawn with it), and on a re-owned one (not inherited).</summary>
    private async Task<IReadOnlyList<SharingPlanEffect>> SharingEffects(LayoutDiff diff)
    {
        var effects = new List<SharingPlanEffect>();
        foreach (var space in diff.SpacesRemoved.Where(s => s.OwnerHouseholdId is not null))
        {
            if ((await grains.Space(space.CompoundId, space.SpaceId).GetSharing()).Value?.Plan is not null)
            {
                effects.Add(new(space.SpaceId, space.OwnerHouseholdId, "withdrawn with the space: bookings inside it are refunded and moved"));
            }
        }

        foreach (var change in diff.SpacesChanged.Where(c => c.Reowned && c.Before.OwnerHouseholdId is not null))
        {
            if ((await grains.Space(change.Before.CompoundId, change.Before.SpaceId).GetSharing()).Value?.Plan is not null)
            {
                effects.Add(new(change.Before.SpaceId, change.Before.OwnerHouseholdId, "ended: the new owner does not inherit it (bookings made under it stay)"));
            }
        }

        return effects;
    }

    /// <param name="expectedVersion">The version the preview was made at; null applies over whatever is live now.</param>
    public async Task<Outcome<ImportOutcome>> Apply(CompoundLayout layout, int? expectedVersion, CancellationToken cancellationToken = default)
    {
        var preview = await Preview(layout);
        if (preview.Diff.Problems.Count > 0)
        {
            var first = preview.Diff.Problems[0];
            return DomainError.Invalid(first.Place, "layout-change-invalid", string.Join("; ", preview.Diff.Problems));
        }

        var version = expectedVersion ?? preview.LiveVersion;
        var compound = grains.Compound(layout.CompoundId);
        var live = await compound.GetLayout();
        var stored = await compound.ReplaceLayout(layout, version);
        if (!stored.IsSuccess)
        {
            return stored.Error!;
        }

        // The preview may be older than the stored version check: diff again against what was really replaced.
        var diff = LayoutDiff.Between(live, layout);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(diff.SpacesAdded, parallel, async (space, _) => await grains.Space(space.CompoundId, space.SpaceId).Configure(space));

        var moved = 0;
        foreach (var space in diff.SpacesRemoved)
        {
            var blocked = await grains.Space(space.CompoundId, space.SpaceId).LeaveLayout();
            moved += blocked.Value?.Cancelled.Count ?? 0;
        }

        foreach (var change in diff.SpacesChanged.Concat(diff.SpacesRedrawn))
        {
            var space = grains.Space(change.After.CompoundId, change.After.SpaceId);
            var current = await space.GetAdmin();
            var redefined = await space.Redefine(change.After, current.Value?.Definition ?? change.Before);
            if (!redefined.IsSuccess)
            {
                LogSpaceNotRedefined(change.After.SpaceId, redefined.Error!.Message);
            }
        }

        if (live is not null)
        {
            var lots = live.Lots.Select(l => l.LotId).Union(layout.Lots.Select(l => l.LotId), StringComparer.Ordinal);
            await Task.WhenAll(lots.Select(l => grains.Lot(layout.CompoundId, l).Reload()));
            await ReloadDevices(live, layout, diff);
        }

        // Membership lives in Parking: everyone the file names is enrolled in their own grain (keyed by their
        // subject at the issuer), so a token that says only who they are gets exactly these rights.
        await Parallel.ForEachAsync(layout.Users, parallel, async (user, _) =>
        {
            var enrolled = await grains.Member(user.UserId).Enrol(
                new CompoundMembership(layout.CompoundId, user.Role, user.DisplayName, user.HouseholdId, user.BuildingId),
                user.Vehicles);
            if (!enrolled.IsSuccess)
            {
                LogNotEnrolled(user.UserId, enrolled.Error!.Message);
            }
        });
        var staying = layout.Users.Select(u => u.UserId).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in (live?.Users ?? []).Where(u => !staying.Contains(u.UserId)))
        {
            await grains.Member(gone.UserId).Leave(layout.CompoundId);
        }

        var finalVersion = await compound.GetLayoutVersion();
        await grains.CompoundDirectory().Register(CompoundSummary.Of(layout with { LayoutVersion = finalVersion }));
        LogApplied(layout.CompoundId, finalVersion, diff.SpacesAdded.Count, diff.SpacesRemoved.Count, diff.SpacesChanged.Count, moved);
        return new ImportOutcome(preview with { Diff = diff }, finalVersion, moved);
    }

    /// <summary>
    /// A re-import reaches the running charging grains and shelters: chargers added, removed or changed (rating, space,
    /// area) learn it, every area whose definition changed (its chargers or its feed) is redefined and re-plans, the
    /// charge point of a removed charger is taken out of service, a shelter with other ports or another power limit is
    /// redefined, and a shelter dropped from the file ends its sessions, switches its ports off and is retired.
    /// </summary>
    private async Task ReloadDevices(CompoundLayout live, CompoundLayout layout, LayoutDiff diff)
    {
        var compoundId = layout.CompoundId;
        await Task.WhenAll(diff.ChargersChanged.Select(c => grains.Charger(compoundId, c.ChargerId).Reload()));

        // A charger dropped from the file is decommissioned at its charge point (a running car stopped, the charger set
        // Inoperative, its boots rejected); one that is back is set Operative again.
        await Task.WhenAll(diff.ChargersChanged
            .Where(c => c.Before is null || c.After is null)
            .Select(c => grains.ChargePoint(compoundId, c.ChargerId).LayoutChanged()));

        var before = live.ChargingAreas.ToDictionary(a => a.AreaId, StringComparer.Ordinal);
        var after = layout.ChargingAreas.ToDictionary(a => a.AreaId, StringComparer.Ordinal);
        var changedAreas = before.Keys.Union(after.Keys, StringComparer.Ordinal)
            .Where(id => !(before.TryGetValue(id, out var was) && was.SameAs(after.GetValueOrDefault(id))));
        await Task.WhenAll(changedAreas.Select(id => grains.ChargingArea(compoundId, id).Reload()));

        await Task.WhenAll(diff.SheltersChanged.Select(id => grains.Shelter(compoundId, id).Reload()));
        LogDevicesReloaded(compoundId, diff.ChargersChanged.Count, diff.SheltersChanged.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-import of {CompoundId} reached the running devices: {Chargers} chargers and {Shelters} shelters changed")]
    private partial void LogDevicesReloaded(string compoundId, int chargers, int shelters);

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported compound {CompoundId} at layout version {Version}: {Added} spaces added, {Removed} removed, {Changed} changed; {Moved} bookings moved or refunded")]
    private partial void LogApplied(string compoundId, int version, int added, int removed, int changed, int moved);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{UserId} was not enrolled by the import: {Reason}")]
    private partial void LogNotEnrolled(string userId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Space {SpaceId} was not redefined by the import: {Reason}")]
    private partial void LogSpaceNotRedefined(string spaceId, string reason);
}
