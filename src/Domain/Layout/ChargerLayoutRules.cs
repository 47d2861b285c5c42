using System.Globalization;

namespace Parking.Domain.Layout;

/// <summary>
/// What a charger asks of the layout around it: every space its cable reaches is an EV space, and its feed can carry it
/// alone. One place for both, called by the importer's check of a compound file, by a staff edit of a space's kind or
/// of an area's capacity, and by a scenario's (or rebalancing proposal's) layout changes, so that no edit leaves a
/// compound whose export the importer would refuse.
/// </summary>
public static class ChargerLayoutRules
{
    /// <summary>Why a charger may not reach <paramref name="spaceId"/> of <paramref name="kind"/>; null when it may (an EV space).</summary>
    public static string? NotEvSpace(string spaceId, SpaceKind kind) =>
        kind == SpaceKind.EV ? null : $"space '{spaceId}' is {kind.ToString().ToLowerInvariant()}, not ev: a charger needs an EV space";

    /// <summary>Why a feed of <paramref name="feedKw"/> cannot carry a charger drawing <paramref name="chargerKw"/>; null when it can.</summary>
    public static string? FeedBelowCharger(double feedKw, string chargerId, double chargerKw) =>
        feedKw < chargerKw
            ? string.Create(CultureInfo.InvariantCulture, $"the feed ({feedKw} kW) is smaller than one charger: '{chargerId}' draws {chargerKw} kW")
            : null;

    /// <summary>The charger of the area that draws the most, or null when it has none.</summary>
    public static ChargerDefinition? Largest(ChargingAreaDefinition area)
    {
        ArgumentNullException.ThrowIfNull(area);
        return area.Chargers.Count == 0 ? null : area.Chargers.MaxBy(c => c.MaxKw);
    }

    /// <summary>Every space the charger reaches: its own and the further ones its cable reaches.</summary>
    public static IEnumerable<string> Reaches(ChargerDefinition charger)
    {
        ArgumentNullException.ThrowIfNull(charger);
        return [charger.SpaceId, .. charger.AlsoReachesSpaceIds];
    }

    /// <summary>
    /// A staff retype of <paramref name="space"/> to <paramref name="kind"/>, refused (a conflict on <c>kind</c> naming
    /// the charger) when it takes an EV space that a charger of <paramref name="areas"/> reaches away from EV: the
    /// charger would be left on a space no EV driver is given.
    /// </summary>
    public static DomainError? Retype(SpaceDefinition space, SpaceKind kind, IEnumerable<ChargingAreaDefinition> areas)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(areas);
        if (NotEvSpace(space.SpaceId, kind) is not { } problem)
        {
            return null;
        }

        var charger = areas.SelectMany(a => a.Chargers).FirstOrDefault(c => Reaches(c).Contains(space.SpaceId, StringComparer.Ordinal));
        return charger is null
            ? null
            : DomainError.Conflict(
                "charger-needs-ev-space",
                $"Charger '{charger.ChargerId}' reaches space {space.SpaceId}: {problem}. Remove the charger (re-import the compound without it) before retyping the space.")
                with { Field = "kind" };
    }

    /// <summary>
    /// A capacity staff set by hand for <paramref name="area"/>'s feed, refused (on <paramref name="field"/>) when it is
    /// smaller than what its largest charger draws alone.
    /// </summary>
    public static DomainError? Feed(ChargingAreaDefinition area, double feedKw, string field)
    {
        ArgumentNullException.ThrowIfNull(area);
        return Largest(area) is { } largest ? Feed(feedKw, largest.ChargerId, largest.MaxKw, field) : null;
    }

    /// <summary>
    /// The area's phase settings, refused on the field that is wrong: a phase limit (<c>phaseLimitKw</c>) must be a
    /// positive number of kW no larger than the feed (one phase cannot carry more than all three); an imbalance limit
    /// (<c>phaseImbalanceKw</c>) a number of kW, zero or more. <paramref name="at"/> prefixes the field's name (the area's
    /// place in a file), empty for none.
    /// </summary>
    public static DomainError? Phases(ChargingAreaDefinition area, string at = "")
    {
        ArgumentNullException.ThrowIfNull(area);
        var prefix = at.Length == 0 ? "" : at + ".";
        if (area.PhaseLimitKw is { } limit && (!double.IsFinite(limit) || limit <= 0 || limit > area.SiteCapacityKw))
        {
            return DomainError.Invalid(prefix + "phaseLimitKw", "phase-limit-out-of-range", string.Create(CultureInfo.InvariantCulture,
                $"Area {area.AreaId}: the phase limit must be more than 0 kW and at most the feed ({area.SiteCapacityKw} kW); it is {limit} kW."));
        }

        if (area.PhaseImbalanceKw is { } imbalance && (!double.IsFinite(imbalance) || imbalance < 0))
        {
            return DomainError.Invalid(prefix + "phaseImbalanceKw", "phase-imbalance-out-of-range", string.Create(CultureInfo.InvariantCulture,
                $"Area {area.AreaId}: the phase imbalance limit must be 0 kW or more; it is {imbalance} kW."));
        }

        return null;
    }

    /// <summary>
    /// A feed of <paramref name="feedKw"/> for a charger drawing <paramref name="chargerKw"/>, refused (on
    /// <paramref name="field"/>, <c>feed-below-charger</c>) when the feed cannot carry it alone.
    /// </summary>
    public static DomainError? Feed(double feedKw, string chargerId, double chargerKw, string field) =>
        FeedBelowCharger(feedKw, chargerId, chargerKw) is { } problem
            ? DomainError.Invalid(field, "feed-below-charger", char.ToUpperInvariant(problem[0]) + problem[1..] + ".")
            : null;
}
