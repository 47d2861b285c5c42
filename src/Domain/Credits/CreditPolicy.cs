using Parking.Domain.Layout;
using Parking.Domain.Reservations;

namespace Parking.Domain.Credits;

/// <summary>The compound's prices and credit rules. Bound from configuration section <c>Parking:Credits</c>.</summary>
public sealed class CreditPolicy
{
    public const string SectionName = "Parking:Credits";

    /// <summary>Credits per hour for a private space booked inside its owner's sharing windows; the owner earns them.</summary>
    public int SharedPerHour { get; set; } = 2;

    /// <summary>Credits per hour for a common space; the income belongs to all owners and goes to the compound's account.</summary>
    public int CommonPerHour { get; set; } = 1;

    /// <summary>Credits per hour for a temporary (visitor) space; visitor passes are limited by a quota instead.</summary>
    public int TemporaryPerHour { get; set; }

    /// <summary>What every household is granted from the compound's account when its account opens (its first booking or look).</summary>
    public int Grant { get; set; } = 100;

    /// <summary>A booking cancelled at least this long before its start is refunded in full; later, nothing is refunded.</summary>
    public TimeSpan RefundNotice { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Whether a booking's answer waits until the compound's settlement shard has stored its leg (off by default: the leg
    /// is in the payer's stored outbox, so it is delivered afterwards and cannot be lost; staff's ledger summary then
    /// trails the bookings by up to a few hundred milliseconds: each shard gathers reports for 200 ms per write). The owner of a private space is told before the answer either way.
    /// </summary>
    public bool AwaitSettlement { get; set; }

    public int PerHour(SpaceOwnership ownership) => ownership switch
    {
        SpaceOwnership.Private => SharedPerHour,
        SpaceOwnership.Common => CommonPerHour,
        _ => TemporaryPerHour,
    };

    /// <summary>The price of a window on a space: started minutes at the hourly rate, rounded up to a whole credit.</summary>
    public long Price(SpaceDefinition space, TimeWindow window)
    {
        ArgumentNullException.ThrowIfNull(space);
        return Price(space.Ownership, window);
    }

    /// <summary>The price of a window on a space of this ownership (see <see cref="Price(SpaceDefinition, TimeWindow)"/>).</summary>
    public long Price(SpaceOwnership ownership, TimeWindow window)
    {
        var rate = PerHour(ownership);
        if (rate <= 0 || window.IsEmpty)
        {
            return 0;
        }

        var minutes = (long)Math.Ceiling(window.Duration.TotalMinutes);
        return ((minutes * rate) + 59) / 60;
    }

    /// <summary>Who earns a booking's price: the owner's household for a private space, the compound for any other.</summary>
    public static string PayeeOf(SpaceDefinition space) =>
        space.Ownership == SpaceOwnership.Private && space.OwnerHouseholdId is { } owner ? Accounts.Household(owner) : Accounts.Compound;

    /// <summary>The share of the price refunded when the driver cancels at <paramref name="now"/>: all or nothing.</summary>
    public bool RefundsCancellation(TimeWindow window, DateTimeOffset now) => window.Start - now >= RefundNotice;

    /// <summary>
    /// Whether a booking <paramref name="actor"/> cancelled is refunded: always when staff cancelled it (the driver did
    /// nothing wrong), else when the driver cancelled at least <see cref="RefundNotice"/> before it started.
    /// </summary>
    public bool RefundsCancellation(Reservation cancelled, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(cancelled);
        ArgumentNullException.ThrowIfNull(actor);
        return actor.IsStaff || RefundsCancellation(cancelled.Window, cancelled.EndedAt ?? now);
    }
}

/// <summary>Names of ledger accounts.</summary>
public static class Accounts
{
    /// <summary>The compound's account: it issues grants (so its balance is minus the credits in circulation) and earns common spaces' income.</summary>
    public const string Compound = "compound";

    private const string HouseholdPrefix = "household:";

    public static string Household(string householdId) => HouseholdPrefix + householdId;

    /// <summary>The household an account belongs to; false for the compound's account.</summary>
    public static bool TryHouseholdOf(string account, out string householdId)
    {
        ArgumentNullException.ThrowIfNull(account);
        var isHousehold = account.StartsWith(HouseholdPrefix, StringComparison.Ordinal) && account.Length > HouseholdPrefix.Length;
        householdId = isHousehold ? account[HouseholdPrefix.Length..] : string.Empty;
        return isHousehold;
    }

    /// <summary>
    /// Which of <paramref name="shards"/> settlement shards settles a household's account: a hash of its name that every
    /// process computes alike (FNV-1a; <c>string.GetHashCode</c> differs between processes).
    /// </summary>
    public static int SettlementShard(string account, int shards)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var hash = 2166136261u;
        foreach (var c in account)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)shards);
    }
}
