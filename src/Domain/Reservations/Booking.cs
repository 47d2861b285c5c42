using Parking.Domain.Credits;

namespace Parking.Domain.Reservations;

/// <summary>
/// What a booking costs and who pays whom: <see cref="Amount"/> credits from <see cref="Payer"/> to <see cref="Payee"/>
/// for the reservation <see cref="ReservationId"/> over <see cref="Window"/> (the ledger keys its charges by reservation).
/// </summary>
public sealed record BookingPayment(string ReservationId, string Payer, string Payee, long Amount, TimeWindow Window);

/// <summary>
/// A booking decided and made: the reservation, whether it is the one an identical earlier request made
/// (<see cref="Replayed"/>: nothing was charged or added again), and what was paid for it (null: nothing).
/// </summary>
public sealed record BookingDecision(Reservation Reservation, bool Replayed, BookingPayment? Payment);

/// <summary>
/// The one booking sequence, for the live grains and the simulator alike: the per-resident limit
/// (checked where the resident's reservations are counted), then on the space: prepare, price, charge, add.
/// Changing a rule here changes both.
/// </summary>
public static class Booking
{
    /// <summary>How many of a resident's reservations count against the limit: checked in, or reserved and not yet over.</summary>
    public static int CountActive(IEnumerable<Reservation> reservations, DateTimeOffset now) =>
        reservations.Count(r => r.Status == ReservationStatus.CheckedIn || (r.Status == ReservationStatus.Reserved && r.Window.End > now));

    /// <summary>Null when a resident holding <paramref name="active"/> reservations may book another; otherwise why not.</summary>
    public static DomainError? CheckLimit(int active, ReservationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return active >= policy.MaxActivePerResident
            ? DomainError.Conflict("reservation-limit", $"You already hold {policy.MaxActivePerResident} active reservations.")
            : null;
    }

    /// <summary>
    /// Books a window on a space: the calendar decides the reservation (or why not), the space's price is
    /// charged to <paramref name="payerHouseholdId"/> through <paramref name="pay"/> (which answers null when
    /// paid, or why not), and only then is the reservation added. A refusal at any step changes nothing. The
    /// same request again returns its reservation without charging or adding. No payer, or no price: no charge.
    /// </summary>
    public static async ValueTask<Outcome<BookingDecision>> BookAsync(
        SpaceCalendar calendar,
        ReserveCommand command,
        string? payerHouseholdId,
        ReservationPolicy policy,
        CreditPolicy credits,
        DateTimeOffset now,
        Guid unique,
        Func<BookingPayment, ValueTask<DomainError?>> pay)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(credits);
        ArgumentNullException.ThrowIfNull(pay);
        var prepared = calendar.Prepare(command, policy, now, unique, out var replayed);
        if (prepared.Value is not { } reservation)
        {
            return prepared.Error!;
        }

        if (replayed)
        {
            return new BookingDecision(reservation, Replayed: true, Payment: null);
        }

        var space = calendar.Definition!;
        var price = credits.Price(space, command.Window);
        BookingPayment? payment = null;
        if (payerHouseholdId is not null && price > 0)
        {
            payment = new BookingPayment(reservation.Id, Accounts.Household(payerHouseholdId), CreditPolicy.PayeeOf(space), price, command.Window);
            if (await pay(payment) is { } refused)
            {
                return refused;
            }

            reservation = reservation with { PaidBy = payment.Payer };
        }

        calendar.Add(reservation);
        return new BookingDecision(reservation, Replayed: false, payment);
    }

    /// <summary><see cref="BookAsync"/> with a charge that answers at once (the simulator's own ledger).</summary>
    public static Outcome<BookingDecision> Book(
        SpaceCalendar calendar,
        ReserveCommand command,
        string? payerHouseholdId,
        ReservationPolicy policy,
        CreditPolicy credits,
        DateTimeOffset now,
        Guid unique,
        Func<BookingPayment, DomainError?> pay)
    {
        ArgumentNullException.ThrowIfNull(pay);
        var booked = BookAsync(calendar, command, payerHouseholdId, policy, credits, now, unique, p => ValueTask.FromResult(pay(p)));

        // Every await inside completes synchronously when the charge does, so the answer is already there.
        return booked.IsCompleted ? booked.Result : throw new InvalidOperationException("A synchronous booking did not complete synchronously.");
    }
}
