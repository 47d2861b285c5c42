using System.Globalization;
using Parking.Domain.Layout;
using Parking.Domain.Scenarios;

namespace Parking.Domain.Rebalancing;

/// <summary>Checks of a rebalancing ask and of staff's edits, naming the body's field of the first problem.</summary>
public static class RebalancingChecks
{
    public const int MaxSpaceChangesLimit = 500;
    public const int MaxNewChargersLimit = 200;
    public const int MaxDays = 14;
    public const int MaxTimeLimitSeconds = 60;

    public static DomainError? Validate(RebalancingAsk ask, CompoundLayout live)
    {
        ArgumentNullException.ThrowIfNull(ask);
        ArgumentNullException.ThrowIfNull(live);

        var spaces = live.Lots.SelectMany(l => l.Spaces).Select(s => s.SpaceId).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < ask.FixedSpaceIds.Count; i++)
        {
            if (!spaces.Contains(ask.FixedSpaceIds[i] ?? string.Empty))
            {
                return DomainError.Invalid(Field("fixedSpaceIds", i), "unknown-space", $"The compound has no space '{ask.FixedSpaceIds[i]}'.");
            }
        }

        if (ask.MaxSpaceChanges is < 0 or > MaxSpaceChangesLimit)
        {
            return DomainError.Invalid("maxSpaceChanges", "out-of-range", $"The budget of space changes lies between 0 and {MaxSpaceChangesLimit}.");
        }

        if (ask.MaxNewChargers is < 0 or > MaxNewChargersLimit)
        {
            return DomainError.Invalid("maxNewChargers", "out-of-range", $"The budget of new chargers lies between 0 and {MaxNewChargersLimit}.");
        }

        if (ask.DemandSource is not (RebalancingAsk.Synthetic or RebalancingAsk.Recorded))
        {
            return DomainError.Invalid("demand.source", "invalid-request", "The demand source is synthetic or recorded.");
        }

        if (ask.CarsPerHousehold is { } cars && (double.IsNaN(cars) || cars < 0 || cars > 5))
        {
            return DomainError.Invalid("demand.carsPerHousehold", "out-of-range", "Cars per household lie between 0 and 5.");
        }

        if (ask.EvShare is { } ev && (double.IsNaN(ev) || ev < 0 || ev > 1))
        {
            return DomainError.Invalid("demand.evShare", "out-of-range", "The EV share lies between 0 and 1.");
        }

        if (ask.Days is < 1 or > MaxDays)
        {
            return DomainError.Invalid("days", "out-of-range", $"The simulated effect covers between 1 and {MaxDays} days.");
        }

        if (double.IsNaN(ask.SharingOwnersShare) || ask.SharingOwnersShare < 0 || ask.SharingOwnersShare > 1)
        {
            return DomainError.Invalid("sharingOwnersShare", "out-of-range", "The share of owners who share lies between 0 and 1.");
        }

        if (ask.TimeLimitSeconds is < 1 or > MaxTimeLimitSeconds)
        {
            return DomainError.Invalid("timeLimitSeconds", "out-of-range", $"The solve's time limit lies between 1 and {MaxTimeLimitSeconds} seconds.");
        }

        if (ask.HistoryDays is < 7 or > 365)
        {
            return DomainError.Invalid("historyDays", "out-of-range", "Recorded demand is read from the last 7 to 365 days.");
        }

        return null;
    }

    /// <summary>
    /// Staff's edited changes: they must apply to the live layout, leave the fixed spaces and kinds alone and keep
    /// within the ask's budget. Returns the layout they make.
    /// </summary>
    public static Outcome<CompoundLayout> ValidateEdit(RebalancingAsk ask, CompoundLayout live, LayoutChanges changes)
    {
        ArgumentNullException.ThrowIfNull(ask);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(changes);

        var fixedIds = ask.FixedSpaceIds.ToHashSet(StringComparer.Ordinal);
        var spaces = live.Lots.SelectMany(l => l.Spaces).ToDictionary(s => s.SpaceId, StringComparer.Ordinal);
        for (var i = 0; i < changes.Spaces.Count; i++)
        {
            var change = changes.Spaces[i];
            if (fixedIds.Contains(change.SpaceId ?? string.Empty))
            {
                return DomainError.Invalid($"{Field("changes.spaces", i)}.spaceId", "fixed-space", $"Space {change.SpaceId} was fixed: it may not change.");
            }

            if (spaces.TryGetValue(change.SpaceId ?? string.Empty, out var space) &&
                (ask.KindsNotToTouch.Contains(space.Kind) || (change.Kind is { } kind && ask.KindsNotToTouch.Contains(kind))))
            {
                return DomainError.Invalid($"{Field("changes.spaces", i)}.kind", "kind-not-to-touch", $"Space {change.SpaceId} is or would become a kind that was not to be touched.");
            }
        }

        for (var i = 0; i < changes.Chargers.Count; i++)
        {
            if (fixedIds.Contains(changes.Chargers[i].SpaceId ?? string.Empty))
            {
                return DomainError.Invalid($"{Field("changes.chargers", i)}.spaceId", "fixed-space", $"Space {changes.Chargers[i].SpaceId} was fixed: its charger may not change.");
            }
        }

        if (changes.Spaces.Count > ask.MaxSpaceChanges)
        {
            return DomainError.Invalid("changes.spaces", "over-budget", $"At most {ask.MaxSpaceChanges} spaces may change.");
        }

        var withCharger = live.ChargingAreas.SelectMany(a => a.Chargers).Select(c => c.SpaceId).ToHashSet(StringComparer.Ordinal);
        if (changes.Chargers.Count(c => c.MaxKw > 0 && !withCharger.Contains(c.SpaceId)) > ask.MaxNewChargers)
        {
            return DomainError.Invalid("changes.chargers", "over-budget", $"At most {ask.MaxNewChargers} new chargers.");
        }

        if (changes.Shelters.Count > 0 || changes.AreaCapacities.Count > 0)
        {
            return DomainError.Invalid(changes.Shelters.Count > 0 ? "changes.shelters" : "changes.areaCapacities", "not-rebalancing",
                "A rebalancing proposal changes spaces and chargers only; change shelters and capacities in a scenario.");
        }

        var applied = ScenarioLayout.Apply(live, changes);
        return applied.Error is { } error ? error with { Field = error.Field is null ? null : "changes." + error.Field } : applied;
    }

    private static string Field(string list, int index) => string.Create(CultureInfo.InvariantCulture, $"{list}[{index}]");
}
