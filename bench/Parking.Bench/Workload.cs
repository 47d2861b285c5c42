using System.Globalization;
using Parking.Contracts;

namespace Parking.Bench;

/// <summary>One reservation to ask for: a space and a window.</summary>
internal readonly record struct Booking(string LotId, string SpaceId, DateTimeOffset Start, DateTimeOffset End);

/// <summary>A reservation the platform confirmed (201) to <see cref="Driver"/>, remembered for the double-booking check and the cleanup.</summary>
internal sealed record Confirmed(Booking Booking, string ReservationId, Credential Driver);

/// <summary>
/// Hands out (space, 30-minute window) pairs, each at most once in the bench's life, so reservations
/// succeed unless somebody else holds the window. Consecutive pairs fall on different spaces (shuffled
/// across lots), so requests in flight rarely queue behind one another on a space or a lot; once every
/// space has had a window the next window follows. Successive runs thus use later windows.
/// </summary>
internal sealed class BookingPlan
{
    public static readonly TimeSpan Slot = TimeSpan.FromMinutes(30);

    private readonly (string LotId, string SpaceId)[] _spaces;
    private readonly DateTimeOffset _origin;
    private readonly long _capacity;
    private long _next = -1;

    /// <param name="spaces">The spaces anyone may book at any hour: private spaces are bookable only inside their owners' sharing windows, so the bench leaves them out.</param>
    public BookingPlan(IReadOnlyList<(string LotId, string SpaceId)> spaces, DateTimeOffset now, int seed = 7)
    {
        _spaces = [.. spaces];
        new Random(seed).Shuffle(_spaces);

        // Windows start on the half hour, two hours from now at the earliest (so they stay in the future
        // for the whole bench), and no later than 14 days from now less a margin (the booking horizon).
        var earliest = now + TimeSpan.FromHours(2);
        _origin = new DateTimeOffset(earliest.UtcDateTime.Ticks - (earliest.UtcDateTime.Ticks % Slot.Ticks) + Slot.Ticks, TimeSpan.Zero);
        var latestStart = now + TimeSpan.FromDays(14) - TimeSpan.FromMinutes(5);
        Slots = (int)((latestStart - _origin).Ticks / Slot.Ticks);
        _capacity = (long)_spaces.Length * Slots;
    }

    public int Spaces => _spaces.Length;

    public int Slots { get; }

    public DateTimeOffset Origin => _origin;

    public long Used => Math.Min(Interlocked.Read(ref _next) + 1, _capacity);

    public bool TryNext(out Booking booking)
    {
        var k = Interlocked.Increment(ref _next);
        if (k >= _capacity)
        {
            booking = default;
            return false;
        }

        var (lotId, spaceId) = _spaces[k % _spaces.Length];
        var start = _origin + (Slot * (k / _spaces.Length));
        booking = new Booking(lotId, spaceId, start, start + Slot);
        return true;
    }
}

/// <summary>Varied availability questions: window start, length, kind and building drawn at random.</summary>
internal static class SearchMix
{
    private static readonly TimeSpan[] Lengths = [TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4), TimeSpan.FromHours(9)];
    private static readonly string?[] Kinds = [null, null, null, null, "standard", "standard", "ev", "accessible", "visitor"];

    public static string Next(Random random, DateTimeOffset origin, int slots)
    {
        var start = origin + (BookingPlan.Slot * random.Next(Math.Max(1, slots - 48)));
        var end = start + Lengths[random.Next(Lengths.Length)];
        var kind = Kinds[random.Next(Kinds.Length)];
        var building = string.Create(CultureInfo.InvariantCulture, $"B{random.Next(1, ParkingApi.Buildings + 1):00}");
        return ParkingApi.SearchQuery(start, end, kind, building, limit: 10);
    }
}
