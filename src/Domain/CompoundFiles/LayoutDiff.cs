using Parking.Domain.Layout;

namespace Parking.Domain.CompoundFiles;

/// <summary>A space whose kind or owner a re-import changes.</summary>
public sealed record SpaceChange(SpaceDefinition Before, SpaceDefinition After)
{
    public bool Retyped => Before.Kind != After.Kind;

    public bool Reowned => Before.Ownership != After.Ownership || Before.OwnerHouseholdId != After.OwnerHouseholdId;
}

/// <summary>A charger a re-import adds, removes or changes (power, phase, spaces).</summary>
public sealed record ChargerChange(string AreaId, string ChargerId, ChargerDefinition? Before, ChargerDefinition? After);

/// <summary>
/// What re-importing a compound file changes in the live layout. Spaces keep their identity by id: a space
/// missing from the new file is removed (its bookings are moved or refunded as when staff block it), a space
/// whose kind or owner differs is changed as a staff edit would change it (bookings stay), and a space the file
/// takes out of service is blocked as staff block it (bookings moved or refunded, drivers told).
/// </summary>
public sealed record LayoutDiff(
    IReadOnlyList<SpaceDefinition> SpacesAdded,
    IReadOnlyList<SpaceDefinition> SpacesRemoved,
    IReadOnlyList<SpaceChange> SpacesChanged,
    IReadOnlyList<SpaceChange> SpacesRedrawn,
    IReadOnlyList<ChargerChange> ChargersChanged,
    IReadOnlyList<string> LotsAdded,
    IReadOnlyList<string> LotsRemoved,
    IReadOnlyList<string> SheltersChanged,
    int HouseholdsAdded,
    int HouseholdsRemoved,
    IReadOnlyList<CompoundFileProblem> Problems)
{
    /// <summary>
    /// Spaces the file takes out of service (<c>"outOfService": true</c>, in service now; a new space so marked too):
    /// blocked as staff block a space, their bookings moved or refunded and their drivers told.
    /// </summary>
    public IReadOnlyList<SpaceDefinition> SpacesOutOfService { get; init; } = [];

    /// <summary>Spaces the file puts back in service (<c>"outOfService": false</c>, out of service now): reopened as staff reopen one.</summary>
    public IReadOnlyList<SpaceDefinition> SpacesBackInService { get; init; } = [];

    public bool IsEmpty =>
        SpacesAdded.Count == 0 && SpacesRemoved.Count == 0 && SpacesChanged.Count == 0 && SpacesRedrawn.Count == 0
        && ChargersChanged.Count == 0 && LotsAdded.Count == 0 && LotsRemoved.Count == 0 && SheltersChanged.Count == 0
        && HouseholdsAdded == 0 && HouseholdsRemoved == 0 && SpacesOutOfService.Count == 0 && SpacesBackInService.Count == 0;

    /// <summary>
    /// Refused with <c>layout-change-invalid</c> when the change has problems (the field is the first one's place, the
    /// message names every one); null when it may be applied.
    /// </summary>
    public DomainError? Refused() => Problems.Count == 0
        ? null
        : DomainError.Invalid(Problems[0].Place, "layout-change-invalid", string.Join("; ", Problems));

    /// <summary>The change from <paramref name="before"/> (null: a new compound) to <paramref name="after"/>.</summary>
    /// <param name="outOfServiceNow">
    /// Which of the spaces <paramref name="after"/> gives a service state (<see cref="CompoundLayout.SpaceService"/>) or
    /// adds are out of service now, as the spaces say; null: none is.
    /// </param>
    public static LayoutDiff Between(CompoundLayout? before, CompoundLayout after, IReadOnlySet<string>? outOfServiceNow = null)
    {
        ArgumentNullException.ThrowIfNull(after);
        var problems = new List<CompoundFileProblem>();
        if (before is not null && before.CompoundId != after.CompoundId)
        {
            problems.Add(new("compound.id", $"the file is of compound '{after.CompoundId}', not '{before.CompoundId}'"));
        }

        var old = (before?.Lots ?? []).SelectMany(l => l.Spaces).ToDictionary(s => s.SpaceId, StringComparer.Ordinal);
        var added = new List<SpaceDefinition>();
        var changed = new List<SpaceChange>();
        var redrawn = new List<SpaceChange>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var space in after.Lots.SelectMany(l => l.Spaces))
        {
            seen.Add(space.SpaceId);
            if (!old.TryGetValue(space.SpaceId, out var was))
            {
                added.Add(space);
                continue;
            }

            if (was.LotId != space.LotId)
            {
                // A space's grain, calendar and bookings belong to its lot; a space that moves lot is a new space.
                problems.Add(new(
                    $"spaces '{space.SpaceId}'.lotId",
                    $"the space is in lot '{was.LotId}' today, not '{space.LotId}': remove it and add a space with a new id instead"));
                continue;
            }

            var change = new SpaceChange(was, space);
            if (change.Retyped || change.Reowned)
            {
                changed.Add(change);
            }
            else if (was != space)
            {
                redrawn.Add(change);
            }
        }

        var removed = old.Values.Where(s => !seen.Contains(s.SpaceId)).ToList();

        // A space's service changes only where the file names it and it is not so already (blocking a blocked space,
        // or reopening an open one, does nothing); a space refused above (moved lot) is not taken. A space the file
        // adds and does not name starts in service: one an earlier file removed is still blocked by that removal, and
        // adding it back reopens it.
        var outOfService = new List<SpaceDefinition>();
        var backInService = new List<SpaceDefinition>();
        var refused = problems.Select(p => p.Place).ToHashSet(StringComparer.Ordinal);
        var adding = added.Select(s => s.SpaceId).ToHashSet(StringComparer.Ordinal);
        foreach (var space in after.Lots.SelectMany(l => l.Spaces))
        {
            if (refused.Contains($"spaces '{space.SpaceId}'.lotId"))
            {
                continue;
            }

            if (!after.SpaceService.TryGetValue(space.SpaceId, out var wanted))
            {
                if (!adding.Contains(space.SpaceId))
                {
                    continue;
                }

                wanted = false;
            }

            var now = outOfServiceNow?.Contains(space.SpaceId) ?? false;
            if (wanted && !now)
            {
                outOfService.Add(space);
            }
            else if (!wanted && now)
            {
                backInService.Add(space);
            }
        }

        var oldChargers = (before?.ChargingAreas ?? []).SelectMany(a => a.Chargers.Select(c => (a.AreaId, c))).ToDictionary(x => x.c.ChargerId, StringComparer.Ordinal);
        var chargers = new List<ChargerChange>();
        var seenChargers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (areaId, charger) in after.ChargingAreas.SelectMany(a => a.Chargers.Select(c => (a.AreaId, c))))
        {
            seenChargers.Add(charger.ChargerId);
            if (!oldChargers.TryGetValue(charger.ChargerId, out var was))
            {
                chargers.Add(new(areaId, charger.ChargerId, null, charger));
            }
            else if (was.AreaId != areaId || was.c.SpaceId != charger.SpaceId || was.c.MaxKw != charger.MaxKw || was.c.Phase != charger.Phase
                || !was.c.AlsoReachesSpaceIds.SequenceEqual(charger.AlsoReachesSpaceIds))
            {
                chargers.Add(new(areaId, charger.ChargerId, was.c, charger));
            }
        }

        chargers.AddRange(oldChargers.Values.Where(x => !seenChargers.Contains(x.c.ChargerId)).Select(x => new ChargerChange(x.AreaId, x.c.ChargerId, x.c, null)));

        var oldLots = (before?.Lots ?? []).Select(l => l.LotId).ToHashSet(StringComparer.Ordinal);
        var newLots = after.Lots.Select(l => l.LotId).ToHashSet(StringComparer.Ordinal);
        var oldShelters = (before?.Shelters ?? []).ToDictionary(s => s.ShelterId, StringComparer.Ordinal);
        var shelters = after.Shelters
            .Where(s => !oldShelters.TryGetValue(s.ShelterId, out var was) || was.Ports != s.Ports || was.PowerLimitKw != s.PowerLimitKw)
            .Select(s => s.ShelterId)
            .Concat(oldShelters.Keys.Where(id => after.Shelters.All(s => s.ShelterId != id)))
            .ToList();
        var oldHouseholds = (before?.Households ?? []).Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        var newHouseholds = after.Households.Select(h => h.Id).ToHashSet(StringComparer.Ordinal);

        return new LayoutDiff(
            added,
            removed,
            changed,
            redrawn,
            chargers,
            [.. newLots.Where(l => !oldLots.Contains(l))],
            [.. oldLots.Where(l => !newLots.Contains(l))],
            shelters,
            newHouseholds.Count(h => !oldHouseholds.Contains(h)),
            oldHouseholds.Count(h => !newHouseholds.Contains(h)),
            problems)
        {
            SpacesOutOfService = outOfService,
            SpacesBackInService = backInService,
        };
    }
}
