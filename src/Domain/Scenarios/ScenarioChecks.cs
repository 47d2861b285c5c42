using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Parking.Domain.Layout;

namespace Parking.Domain.Scenarios;

/// <summary>
/// Every check a scenario's save passes against the live layout: its name and description, the rule
/// changes (<see cref="ScenarioRuleChecks"/>) and the layout changes (<see cref="ScenarioLayout.Apply"/>).
/// </summary>
public static class ScenarioChecks
{
    public const int MaxNameLength = 100;

    public const int MaxDescriptionLength = 4000;

    /// <summary>The most layout changes one scenario carries (a Kangcheng-sized compound has ~6,000 spaces).</summary>
    public const int MaxChanges = 10_000;

    /// <summary>The forked layout, or the first thing wrong with the definition (its field named).</summary>
    public static Outcome<CompoundLayout> Validate(CompoundLayout live, ScenarioDefinition? definition)
    {
        ArgumentNullException.ThrowIfNull(live);

        if (definition is null)
        {
            return DomainError.Invalid("body", "invalid-request", "A scenario needs a name, changes and rules.");
        }

        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            return DomainError.Invalid("name", "scenario-name-required", "A scenario needs a name.");
        }

        if (definition.Name.Length > MaxNameLength)
        {
            return DomainError.Invalid("name", "scenario-name-too-long", string.Create(CultureInfo.InvariantCulture, $"A scenario's name has at most {MaxNameLength} characters."));
        }

        if ((definition.Description?.Length ?? 0) > MaxDescriptionLength)
        {
            return DomainError.Invalid("description", "scenario-description-too-long", string.Create(CultureInfo.InvariantCulture, $"A description has at most {MaxDescriptionLength} characters."));
        }

        var changes = definition.Changes;
        if (changes is null || changes.Spaces is null || changes.Chargers is null || changes.Shelters is null || changes.AreaCapacities is null)
        {
            return DomainError.Invalid("changes", "invalid-request", "changes lists spaces, chargers, shelters and areaCapacities (each may be empty).");
        }

        if (changes.Count > MaxChanges)
        {
            return DomainError.Invalid("changes", "too-many-changes", string.Create(CultureInfo.InvariantCulture, $"A scenario makes at most {MaxChanges} changes."));
        }

        if (definition.Rules is null)
        {
            return DomainError.Invalid("rules", "invalid-request", "rules is required (an empty object keeps every live rule).");
        }

        if (ScenarioRuleChecks.Validate(definition.Rules) is { } invalidRule)
        {
            return invalidRule;
        }

        var forked = ScenarioLayout.Apply(live, changes);
        return forked.Error is { } invalid ? invalid with { Field = "changes." + invalid.Field } : forked;
    }
}

/// <summary>A short, stable fingerprint of a layout's parking and charging: a scenario version records the one it forked from.</summary>
public static class LayoutFingerprint
{
    /// <summary>16 hex digits of a SHA-256 over every space, charger, charging area's capacity and shelter, in layout order.</summary>
    public static string Of(CompoundLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);

        var text = new StringBuilder();
        foreach (var lot in layout.Lots)
        {
            text.Append("lot ").Append(lot.LotId).Append('\n');
            foreach (var space in lot.Spaces)
            {
                text.Append(CultureInfo.InvariantCulture, $"{space.SpaceId}|{space.Kind}|{space.Ownership}|{space.OwnerHouseholdId}\n");
            }
        }

        foreach (var area in layout.ChargingAreas)
        {
            text.Append(CultureInfo.InvariantCulture, $"area {area.AreaId}|{area.SiteCapacityKw:R}\n");
            foreach (var charger in area.Chargers)
            {
                text.Append(CultureInfo.InvariantCulture, $"{charger.ChargerId}|{charger.SpaceId}|{charger.MaxKw:R}\n");
            }
        }

        foreach (var shelter in layout.Shelters)
        {
            text.Append(CultureInfo.InvariantCulture, $"shelter {shelter.ShelterId}|{shelter.Ports}|{shelter.PowerLimitKw:R}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
