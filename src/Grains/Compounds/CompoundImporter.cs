using Microsoft.Extensions.Logging;
using Parking.Domain.Charging;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Compounds;
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
/// the <c>import</c> command or the operator's API (as a job that reports its progress and can be cancelled). A first import configures every space; a re-import is a layout
/// change that follows the staff-edit rules: a removed space is blocked first (its bookings cancelled, refunded in
/// full and moved to a free space of the same kind, drivers told), a retyped or re-owned space is redefined
/// (bookings stay), a space the file takes out of service is blocked as staff block it (the same for its bookings)
/// and one it puts back in service is reopened, and the lots rebuild their indexes. The compound's layout version makes two concurrent applies
/// of the same preview fail but one.
/// </summary>
public sealed partial class CompoundImporter(IGrainFactory grains, ILogger<CompoundImporter> logger)
{
    private const int Parallelism = 64;

    /// <summary>
    /// Items between two checkpoints of a parallel phase (spaces configured, people enrolled); also the people whose
    /// resident-index entries are told together, so a bucket is stored at most once per batch.
    /// </summary>
    internal const int BatchSize = 256;

    /// <summary>Items between two checkpoints of a one-by-one phase (spaces removed or redefined, people leaving).</summary>
    private const int CheckEvery = 16;

    public Task<ImportPreview> Preview(CompoundLayout layout) => Preview(layout, Checkpoints.None);

    private async Task<ImportPreview> Preview(CompoundLayout layout, Checkpoints run)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var compound = grains.Compound(layout.CompoundId);
        var live = await compound.GetLayout();
        var diff = LayoutDiff.Between(live, layout, await OutOfServiceNow(live, layout));
        var bookings = new List<BookingEffect>();
        var toRead = diff.SpacesRemoved.Count + diff.SpacesChanged.Count + diff.SpacesOutOfService.Count;
        var read = 0;
        await run.Check(Phases.Preview, read, toRead);

        // A space the file removes or takes out of service is blocked as staff block one: the same effect on its bookings.
        var blocked = diff.SpacesOutOfService.Select(s => s.SpaceId).ToHashSet(StringComparer.Ordinal);
        foreach (var space in diff.SpacesRemoved.Concat(diff.SpacesOutOfService))
        {
            await run.Every(Phases.Preview, read++, toRead);
            var admin = await grains.Space(space.CompoundId, space.SpaceId).GetAdmin();
            var active = admin.Value?.Active.Count ?? 0;
            if (active > 0)
            {
                bookings.Add(new BookingEffect(space.SpaceId, active, blocked.Contains(space.SpaceId) ? BlockedEffect : RemovedEffect));
            }
        }

        foreach (var change in diff.SpacesChanged.Where(c => !blocked.Contains(c.After.SpaceId)))
        {
            await run.Every(Phases.Preview, read++, toRead);
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

    private const string RemovedEffect = "cancelled, refunded in full, and moved to a free space of the same kind where one is free; drivers told";

    private const string BlockedEffect = "the space goes out of service as by a staff block: bookings not checked in are cancelled, refunded in full, "
        + "and moved to a free space of the same kind where one is free; drivers told (a car already in stays until it leaves)";

    /// <summary>
    /// Which of the spaces the file gives a service state, or adds, are out of service now, as each space says (a staff
    /// block is the space's own state, not the layout's; a space an earlier file removed stays blocked by that removal).
    /// A new compound has none; only those spaces are asked.
    /// </summary>
    private async Task<IReadOnlySet<string>> OutOfServiceNow(CompoundLayout? live, CompoundLayout layout)
    {
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        if (live is null)
        {
            return blocked;
        }

        var known = live.Lots.SelectMany(l => l.Spaces).Select(s => s.SpaceId).ToHashSet(StringComparer.Ordinal);
        var asked = layout.SpaceService.Keys
            .Concat(layout.Lots.SelectMany(l => l.Spaces).Select(s => s.SpaceId).Where(id => !known.Contains(id)))
            .Distinct(StringComparer.Ordinal);
        foreach (var batch in asked.Chunk(BatchSize))
        {
            var states = await Task.WhenAll(batch.Select(id => grains.Space(layout.CompoundId, id).GetAvailability()));
            blocked.UnionWith(states.Where(a => a is { OutOfService: true }).Select(a => a!.Definition.SpaceId));
        }

        return blocked;
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
                else if (request.LaterTurns.FirstOrDefault(t => removed.Contains(t.ChargerId)) is { } later)
                {
                    effects.Add(new(area.AreaId, request.Id, request.Status, later.ChargerId, "the charger of a later turn leaves the file: that turn goes; the driver is told"));
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
    /// <param name="progress">
    /// Told at each checkpoint where the apply stands; when it answers false the apply stops there and returns
    /// <c>import-cancelled</c>. Before the layout is stored nothing has changed; after, the compound keeps the apply
    /// marked unfinished (no other import is taken) until <see cref="Finish"/> runs the steps again.
    /// </param>
    public async Task<Outcome<ImportOutcome>> Apply(
        CompoundLayout layout,
        int? expectedVersion,
        Func<ImportStep, Task<bool>>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var run = new Checkpoints(progress, cancellationToken);
        try
        {
            var preview = await Preview(layout, run);
            if (preview.Diff.Refused() is { } invalid)
            {
                return invalid;
            }

            await run.Check(Phases.Store, 0, 1);
            var expected = expectedVersion ?? preview.LiveVersion;
            await RetainDropped(layout, expected);
            var begun = await grains.Compound(layout.CompoundId).BeginApply(layout, expected);
            if (!begun.IsSuccess)
            {
                return begun.Error!;
            }

            run.Committed = true;
            var (diff, version, moved) = await BringInLine(begun.Value!.Base, begun.Value.Stored, run);

            // The preview may be older than the stored version check: the report has the diff of what was really replaced.
            return new ImportOutcome(preview with { Diff = diff }, version, moved);
        }
        catch (ImportStopped)
        {
            return CompoundState.ImportCancelled(layout.CompoundId, run.Committed);
        }
    }

    /// <summary>
    /// The retention sweep reaches the people the file names through the layout, and anyone else through its own list:
    /// the people this file drops go on that list before the layout that drops them is stored (should the store then
    /// be refused, they are only reached twice). Their records (bookings, notices) stay until retention removes them.
    /// </summary>
    private async Task RetainDropped(CompoundLayout layout, int expectedVersion)
    {
        var live = await grains.Compound(layout.CompoundId).GetLayout();
        if (live is null || live.LayoutVersion != expectedVersion)
        {
            return;
        }

        var staying = layout.Users.Select(u => u.UserId).ToHashSet(StringComparer.Ordinal);
        var dropped = live.Users.Select(u => u.UserId).Where(u => !staying.Contains(u)).ToList();
        if (dropped.Count > 0)
        {
            await grains.HistoryRetention(layout.CompoundId).Retain(dropped);
        }
    }

    /// <summary>Runs again every step of an apply that stopped after storing its layout (cancelled, or its host failed), and clears its mark.</summary>
    public async Task<Outcome<ImportOutcome>> Finish(string compoundId, Func<ImportStep, Task<bool>>? progress = null, CancellationToken cancellationToken = default)
    {
        var run = new Checkpoints(progress, cancellationToken) { Committed = true };
        var resumed = await grains.Compound(compoundId).ResumeApply();
        if (!resumed.IsSuccess)
        {
            return resumed.Error!;
        }

        var (before, stored) = (resumed.Value!.Base, resumed.Value.Stored);
        try
        {
            var (diff, version, moved) = await BringInLine(before, stored, run);
            return new ImportOutcome(new ImportPreview(stored, diff, before?.LayoutVersion ?? 0, []), version, moved);
        }
        catch (ImportStopped)
        {
            return CompoundState.ImportCancelled(compoundId, committed: true);
        }
    }

    /// <summary>
    /// Brings every space, lot, device and member in line with the stored layout, from the layout it replaced. Each
    /// step may run twice (an unfinished apply is finished by running them all again): configuring a space as it is,
    /// taking a space already out of the layout out again, redefining as it is, enrolling as enrolled are no-ops.
    /// </summary>
    private async Task<(LayoutDiff Diff, int Version, int Moved)> BringInLine(CompoundLayout? live, CompoundLayout layout, Checkpoints run)
    {
        var diff = LayoutDiff.Between(live, layout, await OutOfServiceNow(live, layout));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = run.CancellationToken };
        foreach (var (batch, done) in Batches(diff.SpacesAdded))
        {
            await run.Check(Phases.SpacesAdded, done, diff.SpacesAdded.Count);
            await Parallel.ForEachAsync(batch, parallel, async (space, _) => await grains.Space(space.CompoundId, space.SpaceId).Configure(space));
        }

        var moved = 0;
        var removed = 0;
        foreach (var space in diff.SpacesRemoved)
        {
            await run.Every(Phases.SpacesRemoved, removed++, diff.SpacesRemoved.Count);
            var blocked = await grains.Space(space.CompoundId, space.SpaceId).LeaveLayout();
            moved += blocked.Value?.Cancelled.Count ?? 0;
        }

        var redefinitions = diff.SpacesChanged.Concat(diff.SpacesRedrawn).ToList();
        var redefined = 0;
        foreach (var change in redefinitions)
        {
            await run.Every(Phases.SpacesChanged, redefined++, redefinitions.Count);
            var space = grains.Space(change.After.CompoundId, change.After.SpaceId);
            var current = await space.GetAdmin();
            var outcome = await space.Redefine(change.After, current.Value?.Definition ?? change.Before);
            if (!outcome.IsSuccess)
            {
                LogSpaceNotRedefined(change.After.SpaceId, outcome.Error!.Message);
            }
        }

        // The file's blocks are staff blocks: the same call, so the bookings go the same way (refunded, moved, told).
        var service = diff.SpacesOutOfService.Select(s => (Space: s, OutOfService: true))
            .Concat(diff.SpacesBackInService.Select(s => (Space: s, OutOfService: false)))
            .ToList();
        var serviced = 0;
        foreach (var (space, outOfService) in service)
        {
            await run.Every(Phases.SpacesService, serviced++, service.Count);
            var set = await grains.Space(space.CompoundId, space.SpaceId).SetService(outOfService);
            moved += set.Value?.Cancelled.Count ?? 0;
            if (!set.IsSuccess)
            {
                LogSpaceServiceNotSet(space.SpaceId, set.Error!.Message);
            }
        }

        if (live is not null)
        {
            await run.Check(Phases.Lots, 0, 1);
            var lots = live.Lots.Select(l => l.LotId).Union(layout.Lots.Select(l => l.LotId), StringComparer.Ordinal);
            await Task.WhenAll(lots.Select(l => grains.Lot(layout.CompoundId, l).Reload()));
            await run.Check(Phases.Devices, 0, 1);
            await ReloadDevices(live, layout, diff);
        }

        // Membership lives in Parking: everyone the file names is enrolled in their own grain (keyed by their
        // subject at the issuer), so a token that says only who they are gets exactly these rights. The compound's
        // resident index then hears of the whole batch at once, each bucket stored once for its people of the batch
        // (one Tell per person would store a bucket once per person). A run stopped between the two tells the batch
        // again when it is finished: enrolling as enrolled changes nothing, and the index is told of everyone.
        foreach (var (batch, done) in Batches(layout.Users))
        {
            await run.Check(Phases.People, done, layout.Users.Count);
            await Parallel.ForEachAsync(batch, parallel, async (user, _) =>
            {
                var enrolled = await grains.Member(user.UserId).EnrolByImport(
                    new CompoundMembership(layout.CompoundId, user.Role, user.DisplayName, user.HouseholdId, user.BuildingId),
                    user.Vehicles);
                if (!enrolled.IsSuccess)
                {
                    LogNotEnrolled(user.UserId, enrolled.Error!.Message);
                }
            });
            await ResidentIndex.TellMany(grains, layout.CompoundId, batch.Select(u => u.UserId));
        }

        // A resident's index entry carries their household's unit: a changed file that renumbers units relabels them.
        if (live is not null)
        {
            var units = layout.Households.ToDictionary(h => h.Id, h => h.Unit, StringComparer.Ordinal);
            var relabelled = live.Households.Where(h => units.GetValueOrDefault(h.Id) != h.Unit)
                .ToDictionary(h => h.Id, h => units.GetValueOrDefault(h.Id), StringComparer.Ordinal);
            await ResidentIndex.UnitsChanged(grains, layout.CompoundId, relabelled);
        }

        var staying = layout.Users.Select(u => u.UserId).ToHashSet(StringComparer.Ordinal);
        var leaving = (live?.Users ?? []).Where(u => !staying.Contains(u.UserId)).ToList();
        var left = 0;
        foreach (var gone in leaving)
        {
            await run.Every(Phases.PeopleLeft, left++, leaving.Count);
            await grains.Member(gone.UserId).Leave(layout.CompoundId);
        }

        await run.Check(Phases.Directory, 0, 1);
        var compound = grains.Compound(layout.CompoundId);
        var finalVersion = await compound.GetLayoutVersion();
        await grains.CompoundDirectory().Register(CompoundSummary.Of(layout with { LayoutVersion = finalVersion }));
        await compound.FinishApply();
        await run.Done(Phases.Applied);
        LogApplied(layout.CompoundId, finalVersion, diff.SpacesAdded.Count, diff.SpacesRemoved.Count, diff.SpacesChanged.Count, moved);
        return (diff, finalVersion, moved);
    }

    /// <summary>The items in batches of <see cref="BatchSize"/>, each with how many came before it: a checkpoint between batches.</summary>
    private static IEnumerable<(IReadOnlyList<T> Batch, int Done)> Batches<T>(IReadOnlyList<T> items)
    {
        for (var start = 0; start < items.Count; start += BatchSize)
        {
            yield return (items.Skip(start).Take(BatchSize).ToList(), start);
        }
    }

    /// <summary>The phases an apply reports, in order.</summary>
    public static class Phases
    {
        public const string Preview = "preview";
        public const string Store = "store-layout";
        public const string SpacesAdded = "spaces-added";
        public const string SpacesRemoved = "spaces-removed";
        public const string SpacesChanged = "spaces-changed";
        public const string SpacesService = "spaces-service";
        public const string Lots = "lots";
        public const string Devices = "devices";
        public const string People = "people";
        public const string PeopleLeft = "people-left";
        public const string Directory = "directory";
        public const string Applied = "applied";
    }

    private sealed class ImportStopped() : Exception("The import was cancelled at a checkpoint.");

    /// <summary>Where an apply reports and learns whether to stop; without a listener only the token is checked.</summary>
    private sealed class Checkpoints(Func<ImportStep, Task<bool>>? progress, CancellationToken cancellationToken)
    {
        public static Checkpoints None { get; } = new(null, CancellationToken.None);

        public CancellationToken CancellationToken => cancellationToken;

        public bool Committed { get; set; }

        public async Task Check(string phase, int done, int total)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (progress is not null && !await progress(new ImportStep(phase, done, total, Committed)))
            {
                throw new ImportStopped();
            }
        }

        /// <summary>A checkpoint every <see cref="CheckEvery"/> items of a one-by-one phase (and at its first).</summary>
        public Task Every(string phase, int done, int total) => done % CheckEvery == 0 ? Check(phase, done, total) : Task.CompletedTask;

        public async Task Done(string phase)
        {
            if (progress is not null)
            {
                await progress(new ImportStep(phase, 1, 1, Committed));
            }
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Space {SpaceId} was not taken out of or put back in service by the import: {Reason}")]
    private partial void LogSpaceServiceNotSet(string spaceId, string reason);
}
