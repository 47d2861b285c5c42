namespace Parking.Domain.Layout;

/// <summary>
/// Staff changes to what a space is: its kind, and who it belongs to. Pure checks; the space's calendar
/// (<see cref="Reservations.SpaceCalendar.Redefine"/>) applies the result.
/// </summary>
public static class SpaceEdits
{
    /// <summary>standard, ev, accessible or visitor, in any case; numbers are refused.</summary>
    public static Outcome<SpaceKind> ParseKind(string? text) =>
        !string.IsNullOrWhiteSpace(text) && !int.TryParse(text, out _) && Enum.TryParse<SpaceKind>(text.Trim(), ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : DomainError.Invalid("kind", "space-kind-invalid", "kind is standard, ev, accessible or visitor.");

    /// <summary>private, common or temporary, in any case; numbers are refused.</summary>
    public static Outcome<SpaceOwnership> ParseOwnership(string? text) =>
        !string.IsNullOrWhiteSpace(text) && !int.TryParse(text, out _) && Enum.TryParse<SpaceOwnership>(text.Trim(), ignoreCase: true, out var ownership) && Enum.IsDefined(ownership)
            ? ownership
            : DomainError.Invalid("ownership", "space-ownership-invalid", "ownership is private, common or temporary.");

    public static SpaceDefinition Retype(SpaceDefinition space, SpaceKind kind)
    {
        ArgumentNullException.ThrowIfNull(space);
        return space with { Kind = kind };
    }

    /// <summary>
    /// A private space belongs to one household of the compound (<paramref name="householdExists"/> says which
    /// exist); a common or temporary space to nobody.
    /// </summary>
    public static Outcome<SpaceDefinition> Reassign(SpaceDefinition space, SpaceOwnership ownership, string? householdId, Func<string, bool> householdExists)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(householdExists);
        var household = string.IsNullOrWhiteSpace(householdId) ? null : householdId.Trim();
        if (ownership == SpaceOwnership.Private)
        {
            if (household is null)
            {
                return DomainError.Invalid("householdId", "household-required", "A private space needs the household that owns it.");
            }

            if (!householdExists(household))
            {
                return DomainError.Invalid("householdId", "household-not-found", $"No household '{household}' in this compound.");
            }
        }
        else if (household is not null)
        {
            return DomainError.Invalid("householdId", "household-not-allowed", "Only a private space has an owner household.");
        }

        return space with { Ownership = ownership, OwnerHouseholdId = household };
    }
}
