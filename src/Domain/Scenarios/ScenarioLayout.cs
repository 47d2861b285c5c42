using System.Globalization;
using Parking.Domain.Layout;

namespace Parking.Domain.Scenarios;

/// <summary>Applies a scenario's layout changes to a live layout: the fork a simulation runs on.</summary>
public static class ScenarioLayout
{
    /// <summary>The most ports a shelter may be given.</summary>
    public const int MaxShelterPorts = 500;

    /// <summary>The most power (kW) one charger may be given.</summary>
    public const double MaxChargerKw = 350;

    /// <summary>
    /// The live layout with <paramref name="changes"/> applied, or the first change that cannot be applied
    /// (its field named as <c>spaces[3].ownership</c> and the like). The live layout is never modified.
    /// </summary>
    public static Outcome<CompoundLayout> Apply(CompoundLayout live, LayoutChanges changes)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(changes);

        var spaces = live.Lots.SelectMany(l => l.Spaces).ToDictionary(s => s.SpaceId, StringComparer.Ordinal);
        var households = live.Households.Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        var removed = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < changes.Spaces.Count; i++)
        {
            var change = changes.Spaces[i];
            var field = Field("spaces", i);
            if (!spaces.TryGetValue(change.SpaceId ?? string.Empty, out var space))
            {
                return DomainError.Invalid($"{field}.spaceId", "unknown-space", $"The compound has no space '{change.SpaceId}'.");
            }

            if (!seen.Add(space.SpaceId))
            {
                return DomainError.Invalid($"{field}.spaceId", "duplicate-change", $"Space {space.SpaceId} is changed twice; put both changes in one.");
            }

            if (change.Remove)
            {
                removed.Add(space.SpaceId);
                continue;
            }

            var ownership = change.Ownership ?? space.Ownership;
            var owner = ownership == SpaceOwnership.Private ? change.OwnerHouseholdId ?? space.OwnerHouseholdId : null;
            if (ownership == SpaceOwnership.Private && (owner is null || !households.Contains(owner)))
            {
                return DomainError.Invalid($"{field}.ownerHouseholdId", "unknown-household", "A private space needs the id of a household of the compound as its owner.");
            }

            spaces[space.SpaceId] = space with { Kind = change.Kind ?? space.Kind, Ownership = ownership, OwnerHouseholdId = owner };
        }

        var areas = live.ChargingAreas.ToDictionary(
            a => a.AreaId,
            a => (Area: a, Chargers: a.Chargers.Where(c => !removed.Contains(c.SpaceId)).ToList()),
            StringComparer.Ordinal);
        var lotOfSpace = live.Lots.SelectMany(l => l.Spaces.Select(s => (s.SpaceId, l.LotId))).ToDictionary(p => p.SpaceId, p => p.LotId, StringComparer.Ordinal);

        for (var i = 0; i < changes.Chargers.Count; i++)
        {
            var change = changes.Chargers[i];
            var field = Field("chargers", i);
            if (!spaces.TryGetValue(change.SpaceId ?? string.Empty, out var space) || removed.Contains(space.SpaceId))
            {
                return DomainError.Invalid($"{field}.spaceId", "unknown-space", $"The scenario has no space '{change.SpaceId}'.");
            }

            if (double.IsNaN(change.MaxKw) || change.MaxKw < 0 || change.MaxKw > MaxChargerKw)
            {
                return DomainError.Invalid($"{field}.maxKw", "charger-power", $"A charger's power lies between 0 (remove it) and {MaxChargerKw} kW.");
            }

            var current = areas.Values.FirstOrDefault(a => a.Chargers.Any(c => c.SpaceId == space.SpaceId));
            if (change.MaxKw == 0)
            {
                if (current.Area is null)
                {
                    return DomainError.Invalid($"{field}.spaceId", "no-charger", $"Space {space.SpaceId} has no charger to remove.");
                }

                current.Chargers.RemoveAll(c => c.SpaceId == space.SpaceId);
                continue;
            }

            if (space.Kind != SpaceKind.EV)
            {
                return DomainError.Invalid($"{field}.spaceId", "charger-needs-ev-space", $"Space {space.SpaceId} is not an EV space; retype it to EV in the same scenario first.");
            }

            if (current.Area is not null)
            {
                var index = current.Chargers.FindIndex(c => c.SpaceId == space.SpaceId);
                current.Chargers[index] = current.Chargers[index] with { MaxKw = change.MaxKw };
                continue;
            }

            var areaId = change.AreaId ?? live.ChargingAreas.FirstOrDefault(a => a.LotId == lotOfSpace[space.SpaceId])?.AreaId;
            if (areaId is null || !areas.TryGetValue(areaId, out var target))
            {
                return DomainError.Invalid($"{field}.areaId", "unknown-area", "Name the charging area the new charger joins (its lot has none).");
            }

            target.Chargers.Add(new ChargerDefinition($"{areaId}-{space.SpaceId}", space.SpaceId, change.MaxKw));
        }

        if (ChargerLeftOnNonEvSpace(changes, spaces, removed, areas.Values.SelectMany(a => a.Chargers)) is { } leftOn)
        {
            return leftOn;
        }

        var areaCapacities = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < changes.AreaCapacities.Count; i++)
        {
            var change = changes.AreaCapacities[i];
            var field = Field("areaCapacities", i);
            if (!areas.ContainsKey(change.AreaId ?? string.Empty))
            {
                return DomainError.Invalid($"{field}.areaId", "unknown-area", $"The compound has no charging area '{change.AreaId}'.");
            }

            if (double.IsNaN(change.SiteCapacityKw) || change.SiteCapacityKw <= 0)
            {
                return DomainError.Invalid($"{field}.siteCapacityKw", "capacity-not-positive", "A site capacity is more than 0 kW.");
            }

            areaCapacities[change.AreaId!] = change.SiteCapacityKw;
        }

        if (FeedBelowCharger(changes, areas, areaCapacities) is { } belowCharger)
        {
            return belowCharger;
        }

        var shelters = live.Shelters.ToDictionary(s => s.ShelterId, StringComparer.Ordinal);
        for (var i = 0; i < changes.Shelters.Count; i++)
        {
            var change = changes.Shelters[i];
            var field = Field("shelters", i);
            if (!shelters.TryGetValue(change.ShelterId ?? string.Empty, out var shelter))
            {
                return DomainError.Invalid($"{field}.shelterId", "unknown-shelter", $"The compound has no shelter '{change.ShelterId}'.");
            }

            if (change.Ports is < 0 or > MaxShelterPorts)
            {
                return DomainError.Invalid($"{field}.ports", "shelter-ports", $"A shelter has between 0 and {MaxShelterPorts} ports.");
            }

            if (change.PowerLimitKw is { } kw && (double.IsNaN(kw) || kw <= 0))
            {
                return DomainError.Invalid($"{field}.powerLimitKw", "capacity-not-positive", "A shelter's power limit is more than 0 kW.");
            }

            shelters[shelter.ShelterId] = shelter with { Ports = change.Ports ?? shelter.Ports, PowerLimitKw = change.PowerLimitKw ?? shelter.PowerLimitKw };
        }

        var lots = live.Lots
            .Select(l => l with { Spaces = [.. l.Spaces.Where(s => !removed.Contains(s.SpaceId)).Select(s => spaces[s.SpaceId])] })
            .ToList();
        var chargingAreas = live.ChargingAreas
            .Select(a => a with
            {
                Chargers = areas[a.AreaId].Chargers,
                SiteCapacityKw = areaCapacities.TryGetValue(a.AreaId, out var kw) ? kw : a.SiteCapacityKw,
            })
            .ToList();

        return live with
        {
            Lots = lots,
            ChargingAreas = chargingAreas,
            Shelters = [.. live.Shelters.Select(s => shelters[s.ShelterId])],
        };
    }

    /// <summary>
    /// A space retyped away from EV while a charger still reaches it (the charger not removed in the same changes):
    /// refused on the retype's <c>kind</c>, by the rule staff edits and the importer keep (<see cref="ChargerLayoutRules.NotEvSpace"/>).
    /// </summary>
    private static DomainError? ChargerLeftOnNonEvSpace(
        LayoutChanges changes, Dictionary<string, SpaceDefinition> spaces, HashSet<string> removed, IEnumerable<ChargerDefinition> chargers)
    {
        foreach (var charger in chargers)
        {
            foreach (var spaceId in ChargerLayoutRules.Reaches(charger))
            {
                if (removed.Contains(spaceId) || !spaces.TryGetValue(spaceId, out var space) || ChargerLayoutRules.NotEvSpace(spaceId, space.Kind) is not { } problem)
                {
                    continue;
                }

                var index = changes.Spaces.ToList().FindIndex(c => c.SpaceId == spaceId);
                return DomainError.Invalid(
                    index < 0 ? "chargers" : $"{Field("spaces", index)}.kind",
                    "charger-needs-ev-space",
                    $"Charger '{charger.ChargerId}' reaches space {spaceId}: {problem}. Remove the charger in the same changes (maxKw 0) or leave the space EV.");
            }
        }

        return null;
    }

    /// <summary>
    /// A feed the changes leave below one charger of its area, refused by the rule the live layout keeps
    /// (<see cref="ChargerLayoutRules.Feed(ChargingAreaDefinition, double, string)"/>, <c>feed-below-charger</c>): on a
    /// capacity change's <c>siteCapacityKw</c> when it sets the feed too low for the area's chargers after the changes,
    /// or on a charger change's <c>maxKw</c> when it gives a charger more than its area's feed. Areas the changes do
    /// not touch are not judged here.
    /// </summary>
    private static DomainError? FeedBelowCharger(
        LayoutChanges changes,
        Dictionary<string, (ChargingAreaDefinition Area, List<ChargerDefinition> Chargers)> areas,
        Dictionary<string, double> areaCapacities)
    {
        for (var i = 0; i < changes.AreaCapacities.Count; i++)
        {
            var change = changes.AreaCapacities[i];
            var (area, chargers) = areas[change.AreaId];
            var refused = ChargerLayoutRules.Feed(area with { Chargers = chargers }, change.SiteCapacityKw, $"{Field("areaCapacities", i)}.siteCapacityKw");
            if (refused is not null)
            {
                return refused;
            }
        }

        for (var i = 0; i < changes.Chargers.Count; i++)
        {
            var change = changes.Chargers[i];
            var (area, chargers) = areas.Values.FirstOrDefault(a => a.Chargers.Any(c => c.SpaceId == change.SpaceId));
            if (change.MaxKw == 0 || area is null)
            {
                continue;
            }

            var charger = chargers.First(c => c.SpaceId == change.SpaceId);
            var feed = areaCapacities.TryGetValue(area.AreaId, out var kw) ? kw : area.SiteCapacityKw;
            if (ChargerLayoutRules.Feed(feed, charger.ChargerId, charger.MaxKw, $"{Field("chargers", i)}.maxKw") is { } refused)
            {
                return refused;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the changes alter the use of common parts (a common space retyped, given away or removed, or a
    /// space made common): such a proposal needs three quarters of the participating owners under Art. 278.
    /// </summary>
    public static bool ChangesCommonParts(CompoundLayout live, LayoutChanges changes)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(changes);

        var spaces = live.Lots.SelectMany(l => l.Spaces).ToDictionary(s => s.SpaceId, StringComparer.Ordinal);
        return changes.Spaces.Any(c => spaces.TryGetValue(c.SpaceId, out var space) &&
            (space.Ownership == SpaceOwnership.Common
                ? c.Remove || (c.Kind is { } kind && kind != space.Kind) || (c.Ownership is { } o && o != SpaceOwnership.Common)
                : c.Ownership == SpaceOwnership.Common));
    }

    private static string Field(string list, int index) => string.Create(CultureInfo.InvariantCulture, $"{list}[{index}]");
}
