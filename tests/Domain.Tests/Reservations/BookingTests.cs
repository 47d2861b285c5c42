using Parking.Domain.Credits;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Tests.Sharing;
using Xunit;
using static Parking.Domain.Tests.SpaceCalendarTests;

namespace Parking.Domain.Tests.Reservations;

/// <summary>The one booking sequence the space grain and the simulator share: limit, prepare, price, charge, add.</summary>
public class BookingTests
{
    private static readonly CreditPolicy Credits = new();

    private static SpaceCalendar SharedPrivateSpace()
    {
        var calendar = new SpaceCalendar();
        calendar.Configure(new SpaceDefinition("c", "G1", "G1-002", "G1-002", SpaceKind.Standard, SpaceOwnership.Private, 0, "H9"));
        Assert.True(calendar.PublishSharing(SharingPlanTests.Plan(SharingPlanTests.Pattern(SharingPlanTests.Weekdays, 0, 23)), Now, TimeSpan.Zero).IsSuccess);
        return calendar;
    }

    private static Outcome<BookingDecision> Book(SpaceCalendar calendar, ReserveCommand command, string? payer, List<BookingPayment> asked, DomainError? refuse = null) =>
        Booking.Book(calendar, command, payer, Policy, Credits, Now, Guid.NewGuid(), payment =>
        {
            asked.Add(payment);
            return refuse;
        });

    [Fact]
    public void A_common_space_is_charged_to_the_household_for_the_compound_then_added()
    {
        var calendar = NewCalendar();
        var asked = new List<BookingPayment>();

        var booked = Book(calendar, new ReserveCommand("a", Hours(1, 3), null, HouseholdId: "H1"), "H1", asked);

        var made = Assert.IsType<BookingDecision>(booked.Value);
        var payment = Assert.Single(asked);
        Assert.Equal(new BookingPayment(made.Reservation.Id, Accounts.Household("H1"), Accounts.Compound, 2, Hours(1, 3)), payment);
        Assert.Equal(payment, made.Payment);
        Assert.False(made.Replayed);
        Assert.Equal(made.Reservation, Assert.Single(calendar.Reservations));
    }

    [Fact]
    public void A_shared_private_space_pays_its_owner_at_the_shared_rate()
    {
        var calendar = SharedPrivateSpace();
        var asked = new List<BookingPayment>();

        var booked = Book(calendar, new ReserveCommand("a", Hours(1, 2.5), null, HouseholdId: "H1"), "H1", asked);

        Assert.True(booked.IsSuccess, booked.Error?.Message);
        Assert.Equal((Accounts.Household("H9"), 3L), (Assert.Single(asked).Payee, asked[0].Amount));
    }

    [Fact]
    public void A_refused_charge_adds_nothing()
    {
        var calendar = NewCalendar();
        var version = calendar.Version;
        var broke = DomainError.Conflict("insufficient-credits", "No credits.");

        var booked = Book(calendar, new ReserveCommand("a", Hours(1, 3), null), "H1", [], broke);

        Assert.Equal(broke, booked.Error);
        Assert.Empty(calendar.Reservations);
        Assert.Equal(version, calendar.Version);
    }

    [Fact]
    public void A_booking_the_space_refuses_is_never_charged()
    {
        var calendar = NewCalendar();
        var asked = new List<BookingPayment>();
        Assert.True(Book(calendar, new ReserveCommand("a", Hours(1, 3), null), "H1", asked).IsSuccess);

        var taken = Book(calendar, new ReserveCommand("b", Hours(2, 4), null), "H2", asked);

        Assert.Equal("space-taken", taken.Error?.Code);
        Assert.Single(asked);
    }

    [Fact]
    public void Without_a_payer_or_a_price_nothing_is_charged()
    {
        var free = new CreditPolicy { CommonPerHour = 0 };
        var asked = new List<BookingPayment>();
        var calendar = NewCalendar();

        var unpaid = Book(calendar, new ReserveCommand("a", Hours(1, 2), null), null, asked);
        var costless = Booking.Book(calendar, new ReserveCommand("b", Hours(2, 3), null), "H2", Policy, free, Now, Guid.NewGuid(), p =>
        {
            asked.Add(p);
            return null;
        });

        Assert.Null(unpaid.Value?.Payment);
        Assert.Null(costless.Value?.Payment);
        Assert.Empty(asked);
        Assert.Equal(2, calendar.Reservations.Count);
    }

    [Fact]
    public void The_same_request_again_is_neither_charged_nor_added_twice()
    {
        var calendar = NewCalendar();
        var requestId = Guid.NewGuid();
        var command = new ReserveCommand("a", Hours(1, 3), null, requestId, "H1");
        var asked = new List<BookingPayment>();
        Booking.Book(calendar, command, "H1", Policy, Credits, Now, requestId, p => { asked.Add(p); return null; });

        var again = Booking.Book(calendar, command, "H1", Policy, Credits, Now, requestId, p => { asked.Add(p); return null; });

        Assert.True(again.Value?.Replayed);
        Assert.Null(again.Value?.Payment);
        Assert.Single(asked);
        Assert.Single(calendar.Reservations);
    }

    [Fact]
    public async Task The_asynchronous_charge_is_awaited_before_the_reservation_is_added()
    {
        var calendar = NewCalendar();
        var paid = new TaskCompletionSource<DomainError?>();

        var booking = Booking.BookAsync(calendar, new ReserveCommand("a", Hours(1, 3), null), "H1", Policy, Credits, Now, Guid.NewGuid(), _ => new ValueTask<DomainError?>(paid.Task)).AsTask();
        Assert.Empty(calendar.Reservations);
        paid.SetResult(null);
        var booked = await booking;

        Assert.Equal(booked.Value!.Reservation, Assert.Single(calendar.Reservations));
    }

    [Theory]
    [InlineData(2, null)]
    [InlineData(3, "reservation-limit")]
    [InlineData(4, "reservation-limit")]
    public void A_resident_may_hold_at_most_the_limit(int active, string? code)
    {
        Assert.Equal(code, Booking.CheckLimit(active, Policy)?.Code);
    }

    [Fact]
    public void Checked_in_and_reserved_windows_not_over_count_against_the_limit()
    {
        var calendar = NewCalendar();
        var me = new Actor("a", IsStaff: false);
        var reserved = calendar.Reserve(new ReserveCommand("a", Hours(1, 2), null), Policy, Now, Guid.NewGuid()).Value!;
        var checkedIn = calendar.Reserve(new ReserveCommand("a", Hours(2, 3), null), Policy, Now, Guid.NewGuid()).Value!;
        var cancelled = calendar.Reserve(new ReserveCommand("a", Hours(3, 4), null), Policy, Now, Guid.NewGuid()).Value!;
        calendar.Cancel(cancelled.Id, me, Now);
        checkedIn = calendar.CheckIn(checkedIn.Id, me, Now.AddHours(2), Policy).Value!;

        Assert.Equal(3 - 1, Booking.CountActive(calendar.Reservations, Now));

        // Past its end a reserved window no longer counts; a car still on the space does.
        Assert.Equal(1, Booking.CountActive([reserved, checkedIn], Now.AddHours(5)));
    }
}
