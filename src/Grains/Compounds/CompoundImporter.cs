using Microsoft.Extensions.Logging;
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

/// <summary>A checked compound file against the live compound: the diff, its effect on bookings, and the version it was read at.</summary>
public sealed record ImportPreview(
    CompoundLayout Layout,
    LayoutDiff Diff,
    int LiveVersion,
    IReadOnlyList<BookingEffect> Bookings)
{
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

        return new ImportPreview(layout, diff, live?.LayoutVersion ?? 0, bookings);
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
            var blocked = await grains.Space(space.CompoundId, space.SpaceId).SetService(true);
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
            var enrolled = await grains.GetGrain<IMemberGrain>(user.UserId).Enrol(
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
            await grains.GetGrain<IMemberGrain>(gone.UserId).Leave(layout.CompoundId);
        }

        var finalVersion = await compound.GetLayoutVersion();
        await grains.GetGrain<ICompoundDirectoryGrain>(0).Register(CompoundSummary.Of(layout with { LayoutVersion = finalVersion }));
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
            .Select(c => grains.GetGrain<Parking.Grains.Ocpp.IChargePointGrain>(Parking.Domain.Ocpp.ChargePointIds.Of(compoundId, c.ChargerId)).LayoutChanged()));

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
