namespace Parking.Domain.Reservations;

/// <summary>A chunk of finished reservations moved out of a grain's hot state: its number, and when its newest one ended.</summary>
[GenerateSerializer, Immutable]
public sealed record ArchivedChunk([Id(0)] int Number, [Id(1)] DateTimeOffset NewestEnded);

/// <summary>
/// Where a grain's finished reservations went: the chunks stored (still within its history period) and the number
/// the next chunk takes. Kept apart from the state written on every booking and written only when a chunk is archived
/// or dropped.
/// </summary>
[GenerateSerializer]
public sealed class ArchiveIndex
{
    // Stored in an internal field: the codec is generated in Parking.Grains (InternalsVisibleTo).
    [Id(0)]
    internal List<ArchivedChunk> _chunks = [];

    public ArchiveIndex()
    {
    }

    /// <summary>An index of chunks already stored (in the order they were added), the next one taking <paramref name="next"/>.</summary>
    public ArchiveIndex(IEnumerable<ArchivedChunk> chunks, int next)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        _chunks = [.. chunks];
        Next = next;
    }

    /// <summary>The chunks stored, in the order they were added.</summary>
    public IReadOnlyList<ArchivedChunk> Chunks => _chunks;

    /// <summary>The number the next chunk takes: set when the index is built or a chunk is <see cref="Added"/>, never by hand.</summary>
    [Id(1)]
    public int Next { get; internal set; }

    /// <summary><paramref name="chunk"/> was stored as chunk <paramref name="number"/> (taken from <see cref="Next"/>).</summary>
    public void Added(int number, IReadOnlyList<Reservation> chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        _chunks.RemoveAll(c => c.Number == number);
        _chunks.Add(new ArchivedChunk(number, chunk.Max(FinishedReservations.EndedAt)));
        Next = Math.Max(Next, number + 1);
    }

    /// <summary><paramref name="chunk"/> was cleared from the archive: it leaves the index (the next number stays).</summary>
    public bool Dropped(ArchivedChunk chunk) => _chunks.Remove(chunk);

    /// <summary>The chunks whose every reservation ended before <paramref name="before"/>: to be dropped.</summary>
    public IReadOnlyList<ArchivedChunk> Expired(DateTimeOffset before) => [.. Chunks.Where(c => c.NewestEnded < before)];
}

/// <summary>
/// Keeps the reservations a grain writes on every change bounded: besides the active ones, only the newest
/// <see cref="Kept"/> finished ones stay hot. Once <see cref="Kept"/> + <see cref="ChunkSize"/> have finished, the
/// oldest <see cref="ChunkSize"/> of them go to a new archive chunk, stored once with just them and read only when
/// someone asks for an old reservation. A chunk is dropped whole once its newest reservation is older than
/// the grain's history period, so the archive is pruned by date.
/// </summary>
public static class FinishedReservations
{
    /// <summary>
    /// Finished reservations kept hot: a repeated request or a second cancel of a recent one is answered from them (an
    /// older one from the archive). Few, because every booking writes them again with the space's calendar and the
    /// resident's list.
    /// </summary>
    public const int Kept = 8;

    /// <summary>Finished reservations archived at a time (the hot state holds at most <see cref="Kept"/> + this − 1).</summary>
    public const int ChunkSize = 16;

    /// <summary>When a reservation stopped holding its space (or its window's end, if it never did).</summary>
    public static DateTimeOffset EndedAt(Reservation reservation) => reservation.EndedAt ?? reservation.Window.End;

    /// <summary>The oldest <see cref="ChunkSize"/> finished reservations, once more than <see cref="Kept"/> + that many are hot; else null.</summary>
    public static IReadOnlyList<Reservation>? ChunkToArchive(IReadOnlyList<Reservation> reservations)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        var finished = 0;
        foreach (var reservation in reservations)
        {
            if (!reservation.IsActive)
            {
                finished++;
            }
        }

        return finished < Kept + ChunkSize
            ? null
            : [.. reservations.Where(r => !r.IsActive).OrderBy(EndedAt).ThenBy(r => r.Id, StringComparer.Ordinal).Take(ChunkSize)];
    }

    /// <summary>Takes the reservations of an archived chunk out of <paramref name="reservations"/> (finished ones only).</summary>
    public static void Remove(List<Reservation> reservations, IReadOnlyList<Reservation> chunk)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        ArgumentNullException.ThrowIfNull(chunk);
        var ids = chunk.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        reservations.RemoveAll(r => !r.IsActive && ids.Contains(r.Id));
    }
}
