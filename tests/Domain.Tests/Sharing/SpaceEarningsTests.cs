using Parking.Domain.Credits;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Domain.Tests.Sharing;

/// <summary>The ledger keeps, per private space, what bookings paid its owner and what was refunded.</summary>
public class SpaceEarningsTests
{
    private static readonly TimeWindow Window = SpaceCalendarTests.Hours(1, 3);

    private static string Booking(string spaceId) => Reservation.NewId(spaceId, Guid.NewGuid());

    [Fact]
    public void A_booking_paid_to_an_owner_counts_for_its_space_and_a_refund_takes_it_back()
    {
        var ledger = new CreditLedger();
        var first = Booking("G1-007");
        var second = Booking("G1-007");
        ledger.Charge(first, Accounts.Household("H1"), Accounts.Household("H9"), 4, Window, 20, SharingPlanTests.Now);
        ledger.Charge(second, Accounts.Household("H2"), Accounts.Household("H9"), 6, Window, 20, SharingPlanTests.Now);
        ledger.Charge(first, Accounts.Household("H1"), Accounts.Household("H9"), 4, Window, 20, SharingPlanTests.Now);

        Assert.Equal(new SpaceEarnings(2, 10, 0, 0), ledger.EarningsOf("G1-007"));

        ledger.Refund(second, SharingPlanTests.Now);
        ledger.Refund(second, SharingPlanTests.Now);

        var earned = ledger.EarningsOf("G1-007");
        Assert.Equal(new SpaceEarnings(2, 10, 1, 6), earned);
        Assert.Equal(4, earned.Net);
        Assert.Equal(earned.Net, ledger.BalanceOf(Accounts.Household("H9")));
    }

    [Fact]
    public void Income_of_the_compound_and_refused_charges_earn_no_space_anything()
    {
        var ledger = new CreditLedger();
        ledger.Charge(Booking("S1-003"), Accounts.Household("H1"), Accounts.Compound, 4, Window, 20, SharingPlanTests.Now);
        var refused = ledger.Charge(Booking("G1-008"), Accounts.Household("H1"), Accounts.Household("H9"), 50, Window, 20, SharingPlanTests.Now);

        Assert.False(refused.IsSuccess);
        Assert.Equal(SpaceEarnings.None, ledger.EarningsOf("S1-003"));
        Assert.Equal(SpaceEarnings.None, ledger.EarningsOf("G1-008"));
        Assert.Empty(ledger.EarnedBySpace);
    }
}
