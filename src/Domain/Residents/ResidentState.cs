using Parking.Domain.Reservations;

namespace Parking.Domain.Residents;

/// <summary>A request made with an Idempotency-Key: the reservation it made and what was asked.</summary>
[GenerateSerializer, Immutable]
public sealed record IdempotencyRecord(
    string ReservationId,
    string Fingerprint,
    DateTimeOffset CreatedAt)
{
    [Id(0)] internal string _reservationId = ReservationId;

    public string ReservationId { get => _reservationId; init => _reservationId = value; }

    [Id(1)] internal string _fingerprint = Fingerprint;

    public string Fingerprint { get => _fingerprint; init => _fingerprint = value; }

    [Id(2)] internal DateTimeOffset _createdAt = CreatedAt;

    public DateTimeOffset CreatedAt { get => _createdAt; init => _createdAt = value; }
}

/// <summary>
/// One resident's reservations as their grain keeps them: the active ones and the newest finished ones, the
/// requests made with an Idempotency-Key, and the index of archived chunks. Changes only through its methods.
/// </summary>
/// <remarks>
/// Members at their default are not written, so a list of an earlier build (no <see cref="Version"/>, read as 0) is
/// stored again byte for byte; its other members are never null.
/// </remarks>
[GenerateSerializer]
[OmitDefaultMemberValues]
public sealed class ResidentState
{
    /// <summary>How long a request's Idempotency-Key is remembered.</summary>
    public static readonly TimeSpan KeyRetention = TimeSpan.FromHours(24);

    [Id(0)]
    internal List<Reservation> _reservations = [];

    [Id(1)]
    internal Dictionary<string, IdempotencyRecord> _idempotencyKeys = new(StringComparer.Ordinal);

    /// <summary>The active reservations and the newest finished ones, in the order they were first seen.</summary>
    public IReadOnlyList<Reservation> Reservations => _reservations;

    /// <summary>The requests made with an Idempotency-Key, by key, kept for a day.</summary>
    public IReadOnlyDictionary<string, IdempotencyRecord> IdempotencyKeys => _idempotencyKeys;

    /// <summary>
    /// The index of archive chunks as builds before 5 December 2026 stored it, inside this state, so that every booking
    /// wrote it again. It now lives in a state of its own (the resident grain's <c>resident-archive</c>), written only when
    /// a chunk is archived or dropped; the grain moves an earlier index there on activation and this stays empty.
    /// </summary>
    [Id(2)]
    public ArchiveIndex EarlierArchive { get; internal set; } = new();

    /// <summary>
    /// The version of this list as last stored whole (0 for a list stored by a build before 5 December 2026): changes
    /// stored apart from the list (<see cref="RecentResidentChanges"/>) apply only to the version they were made from.
    /// </summary>
    [Id(3)]
    public long Version { get; internal set; }

    /// <summary>What identifies a request, so that the same key with another request is told apart from a retry.</summary>
    public static string Fingerprint(string spaceId, TimeWindow window, string? plate) =>
        $"{spaceId}|{window.Start:O}|{window.End:O}|{plate}";

    /// <summary>
    /// A request with <paramref name="key"/>: the id of the reservation an earlier request with that key made
    /// (null when the key is new or absent), or an error when the key was used for a different request.
    /// </summary>
    public Outcome<string?> Replay(string? key, string fingerprint)
    {
        if (key is null || !_idempotencyKeys.TryGetValue(key, out var earlier))
        {
            return new Outcome<string?>(null, null);
        }

        return earlier.Fingerprint == fingerprint
            ? new Outcome<string?>(earlier.ReservationId, null)
            : new DomainError(ErrorKind.Unprocessable, "idempotency-key-reused", "This Idempotency-Key was used for a different request.", "Idempotency-Key");
    }

    /// <summary>The held reservation <paramref name="reservationId"/>, or null.</summary>
    public Reservation? Find(string reservationId) => _reservations.Find(r => r.Id == reservationId);

    /// <summary>How many of the held reservations count against the limit at <paramref name="now"/>.</summary>
    public int CountActive(DateTimeOffset now) => Booking.CountActive(_reservations, now);

    /// <summary>Keeps the newest revision of a reservation; returns false when nothing changed.</summary>
    public bool Upsert(Reservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        var index = _reservations.FindIndex(r => r.Id == reservation.Id);
        if (index < 0)
        {
            _reservations.Add(reservation);
            return true;
        }

        if (_reservations[index].Revision >= reservation.Revision)
        {
            return false;
        }

        _reservations[index] = reservation;
        return true;
    }

    /// <summary>
    /// A booking went through: the reservation is held, the key (if any) remembered, and what is past
    /// <paramref name="history"/> (finished reservations) or <see cref="KeyRetention"/> (keys) goes.
    /// </summary>
    public void Booked(Reservation reservation, string? key, string fingerprint, DateTimeOffset now, TimeSpan history)
    {
        Upsert(reservation);
        if (key is not null)
        {
            Remember(key, new IdempotencyRecord(reservation.Id, fingerprint, now));
        }

        Prune(now - history, now - KeyRetention);
    }

    /// <summary>The request made with <paramref name="key"/> became <paramref name="record"/>.</summary>
    public void Remember(string key, IdempotencyRecord record) => _idempotencyKeys[key] = record;

    /// <summary>Finished reservations that ended before <paramref name="finishedBefore"/> and keys made before <paramref name="keysBefore"/> go.</summary>
    public void Prune(DateTimeOffset finishedBefore, DateTimeOffset keysBefore)
    {
        ForgetFinishedBefore(finishedBefore);
        foreach (var key in _idempotencyKeys.Where(k => k.Value.CreatedAt < keysBefore).Select(k => k.Key).ToList())
        {
            _idempotencyKeys.Remove(key);
        }
    }

    /// <summary>Drops the finished reservations that ended before <paramref name="cutoff"/>; returns how many went.</summary>
    public int ForgetFinishedBefore(DateTimeOffset cutoff) =>
        _reservations.RemoveAll(r => !r.IsActive && (r.EndedAt ?? r.Window.End) < cutoff);

    /// <summary>The reservations of an archived chunk leave the list (finished ones only).</summary>
    public void Archived(IReadOnlyList<Reservation> chunk) => FinishedReservations.Remove(_reservations, chunk);

    /// <summary>The list is about to be stored whole: it gets a version of its own, so changes stored before it are stale.</summary>
    public void StoringWhole(long storedVersion) => Version = storedVersion + 1;

    /// <summary>
    /// Applies the changes stored since this whole list was (see <see cref="RecentResidentChanges"/>): each changed
    /// reservation replaces its earlier revision in place or joins the end, in the order it was stored, and the keys
    /// join. Changes made from another version of the list are ignored. Answers whether they applied.
    /// </summary>
    public bool Replay(RecentResidentChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.BaseVersion != Version)
        {
            return false;
        }

        StoredEntries.Replay(_reservations, changes.Changed, r => r.Id);
        StoredEntries.Replay(_idempotencyKeys, changes.Keys, []);

        return true;
    }
}
