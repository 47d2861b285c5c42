using Parking.Domain.Sharing;

namespace Parking.Grains;

/// <summary>Who publishes a sharing plan: a resident and their household (the owner), or the demo seed.</summary>
[GenerateSerializer, Immutable]
public sealed record SharingPublisher([property: Id(0)] string UserId, [property: Id(1)] string? HouseholdId);

/// <summary>
/// A private space's sharing as its owner and drivers see it: the plan, the owner's record, the next shared windows.
/// Booked: the bookings on the space not yet over (reserved or checked in); on a private space these are other
/// households' (an owner cannot pay themself for their own space).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SpaceSharing(
    [property: Id(0)] SpaceDefinition Space,
    [property: Id(1)] SharingPlan? Plan,
    [property: Id(2)] SharingRecord Record,
    [property: Id(3)] IReadOnlyList<TimeWindow> Upcoming,
    [property: Id(4)] int BrokenNow = 0,
    [property: Id(5)] int Booked = 0);

/// <summary>One parking space (key: compound/space): the single writer of its calendar.</summary>
public interface IParkingSpaceGrain : IPersonalHistory
{
    /// <summary>A person left the compound: their bookings on this space name <paramref name="pseudonym"/> instead.</summary>
    Task Anonymise(string residentId, string pseudonym);

    Task Configure(SpaceDefinition definition);

    Task<Outcome<Reservation>> Reserve(ReserveCommand command);

    Task<Outcome<Reservation>> Cancel(string reservationId, Actor actor);

    Task<Outcome<Reservation>> CheckIn(string reservationId, Actor actor);

    Task<Outcome<Reservation>> CheckOut(string reservationId, Actor actor);

    Task<Outcome<Reservation>> GetReservation(string reservationId, Actor actor);

    Task<Outcome<bool>> SetOutOfService(bool outOfService);

    /// <summary>The space as staff manage it: definition, block, bookings still active.</summary>
    [AlwaysInterleave]
    Task<Outcome<SpaceAdmin>> GetAdmin();

    /// <summary>
    /// Staff change the space's kind or owner (already checked against the compound); stored in the space and the
    /// compound's layout. <paramref name="expected"/> is the definition the change was made from: if the space
    /// changed since (another staff member's edit), the change is refused with <c>space-changed</c> rather than
    /// silently undoing the other.
    /// </summary>
    Task<Outcome<SpaceAdmin>> Redefine(SpaceDefinition definition, SpaceDefinition expected);

    /// <summary>
    /// Staff block (out of service) or reopen the space. Blocking cancels every booking not checked in that
    /// has not ended, refunds it in full and hands it to the sharing mover, which books the driver on
    /// another space of the same kind or tells them (reason <c>blocked</c>).
    /// </summary>
    Task<Outcome<SpaceAdmin>> SetService(bool outOfService);

    /// <summary>
    /// A re-import dropped the space: blocked as by <see cref="SetService"/> (bookings refunded and moved, drivers
    /// told), and its owner's sharing plan ends.
    /// </summary>
    Task<Outcome<SpaceAdmin>> LeaveLayout();

    /// <summary>
    /// Publishes or replaces the owner's sharing plan (an empty plan withdraws everything). Bookings it breaks
    /// are cancelled and handed to the sharing mover, which books the driver elsewhere or tells them.
    /// </summary>
    Task<Outcome<SpaceSharing>> PublishSharing(SharingPlan plan, SharingPublisher publisher);

    [AlwaysInterleave]
    Task<Outcome<SpaceSharing>> GetSharing();

    /// <summary>Releases reservations not checked in within the grace period (returns how many) and warns drivers whose booking started without them.</summary>
    Task<int> ReleaseNoShows();

    /// <summary>
    /// The space's availability for the index. Interleaves: the lot asks for it while rebuilding,
    /// possibly while this space is waiting on the lot.
    /// </summary>
    [AlwaysInterleave]
    Task<SpaceAvailability?> GetAvailability();
}

/// <summary>A space as staff manage it; <see cref="Cancelled"/>: the bookings the change just cancelled.</summary>
[GenerateSerializer, Immutable]
public sealed record SpaceAdmin(
    [property: Id(0)] SpaceDefinition Definition,
    [property: Id(1)] bool OutOfService,
    [property: Id(2)] IReadOnlyList<Reservation> Active,
    [property: Id(3)] IReadOnlyList<Reservation> Cancelled,
    [property: Id(4)] long Version);
