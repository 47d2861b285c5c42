namespace Parking.Grains.History;

/// <summary>
/// One chunk of finished reservations moved out of a space's or a resident's hot state (key: compound/owner#number,
/// see <see cref="ReservationArchive"/>). Stored once with the batch its owner archived, read when an old reservation is
/// asked for, cleared when the owner's history period has passed.
/// </summary>
public interface IReservationArchiveGrain : IGrainWithStringKey
{
    Task Store(IReadOnlyList<Reservation> chunk);

    [ReadOnly]
    Task<IReadOnlyList<Reservation>> Get();

    Task Clear();
}

[GenerateSerializer]
public sealed class ReservationArchiveState : IArchiveChunkState<Reservation>
{
    [Id(0)]
    internal List<Reservation> _reservations = [];

    /// <summary>The chunk's reservations, as they were archived.</summary>
    public IReadOnlyList<Reservation> Reservations => _reservations;

    IReadOnlyList<Reservation> IArchiveChunkState<Reservation>.Items => _reservations;

    /// <summary>The chunk replaces whatever was stored.</summary>
    public void Store(IEnumerable<Reservation> chunk) => _reservations = [.. chunk];
}

/// <summary>A chunk of finished reservations (state <c>reservation-archive</c>).</summary>
[CompoundPlacement]
public sealed class ReservationArchiveGrain(
    [PersistentState("reservation-archive", GrainKeys.StorageName)] IPersistentState<ReservationArchiveState> state)
    : ArchiveChunkGrain<Reservation, ReservationArchiveState>(state), IReservationArchiveGrain;

/// <summary>Where the archive chunks of a space and of a resident live.</summary>
public static class ReservationArchive
{
    public static IReservationArchiveGrain OfSpace(this IGrainFactory grains, string compoundId, string spaceId, int number) =>
        grains.GetGrain<IReservationArchiveGrain>(GrainKeys.Of(compoundId, $"space#{spaceId}#{number}"));

    public static IReservationArchiveGrain OfResident(this IGrainFactory grains, string compoundId, string residentId, int number) =>
        grains.GetGrain<IReservationArchiveGrain>(GrainKeys.Of(compoundId, $"resident#{residentId}#{number}"));

    /// <summary>
    /// Stores finished reservations as a new chunk, numbered <see cref="ArchiveIndex.Next"/>, holding just them, and notes
    /// it in <paramref name="index"/>. Each archiving writes only its own batch (a chunk of an earlier build that held
    /// several batches is read as before, never added to). The caller stores the index, then the state without them; if
    /// that fails they are archived again later, in another chunk (a reservation found twice is the same finished
    /// reservation).
    /// </summary>
    public static async Task Archive(ArchiveIndex index, Func<int, IReservationArchiveGrain> chunk, IReadOnlyList<Reservation> finished)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(chunk);
        var number = index.Next;
        await chunk(number).Store(finished);
        index.Added(number, finished);
    }

    /// <summary>The reservation <paramref name="reservationId"/> in the chunks (newest first), or null.</summary>
    public static async Task<Reservation?> Find(IReadOnlyList<ArchivedChunk> chunks, Func<int, IReservationArchiveGrain> chunk, string reservationId)
    {
        foreach (var info in chunks.OrderByDescending(c => c.Number))
        {
            if ((await chunk(info.Number).Get()).FirstOrDefault(r => r.Id == reservationId) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>
    /// Puts <paramref name="pseudonym"/> in place of a resident who left the compound in every chunk, without the plate
    /// (archived reservations have all finished); only the chunks that named them are stored again. Returns how many
    /// reservations changed. The index does not change.
    /// </summary>
    public static async Task<int> Anonymise(ArchiveIndex index, Func<int, IReservationArchiveGrain> chunk, string residentId, string pseudonym)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(chunk);
        var changed = 0;
        foreach (var info in index.Chunks)
        {
            var grain = chunk(info.Number);
            var held = await grain.Get();
            if (!held.Any(r => r.ResidentId == residentId))
            {
                continue;
            }

            changed += held.Count(r => r.ResidentId == residentId);
            await grain.Store([.. held.Select(r => r.ResidentId == residentId ? r with { ResidentId = pseudonym, Plate = null } : r)]);
        }

        return changed;
    }

    /// <summary>
    /// Drops from the chunks every reservation that ended before <paramref name="cutoff"/> (the compound's retention
    /// sweep): a chunk left empty is cleared and leaves <paramref name="index"/>, a chunk partly before the cutoff is
    /// stored again without those. Returns how many reservations went; the caller stores the index when any did.
    /// </summary>
    public static async Task<int> ForgetBefore(ArchiveIndex index, Func<int, IReservationArchiveGrain> chunk, DateTimeOffset cutoff)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(chunk);
        var removed = 0;
        foreach (var info in index.Chunks.ToList())
        {
            var grain = chunk(info.Number);
            var held = await grain.Get();
            var kept = held.Where(r => FinishedReservations.EndedAt(r) >= cutoff).ToList();
            if (kept.Count == held.Count)
            {
                continue;
            }

            removed += held.Count - kept.Count;
            if (kept.Count == 0)
            {
                await grain.Clear();
                index.Dropped(info);
            }
            else
            {
                await grain.Store(kept);
            }
        }

        return removed;
    }
}
