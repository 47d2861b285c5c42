using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Storage;

namespace Parking.Grains;

/// <summary>
/// Grain state kept in this process's memory, for a cluster of exactly one silo (the embedded default). It keeps the
/// contract of Orleans' memory storage: each write stores a serialized copy (what a grain changes afterwards does not
/// change what is stored), a read builds a fresh object from it, every write checks and renews the state's ETag (a stale
/// writer gets <see cref="InconsistentStateException"/>), and a cleared state is remembered as cleared. What it saves is
/// the memory storage's grain call on every read and write (a message, a copy of the bytes and a turn of a storage grain
/// that every grain of the silo shares), which was about a third of the grain calls a booking made.
/// </summary>
/// <remarks>
/// Like the memory storage, nothing survives the process. Unlike it, the state is visible to this silo alone: should a
/// second silo join (<paramref name="siloCount"/> above one), every read and write fails with an error saying so, rather
/// than a grain moved to the other silo silently starting empty. A local cluster of several silos starts its first silo
/// with <c>Parking:Cluster:InProcessStorage</c> set to false, so every silo uses the memory storage's grains.
/// </remarks>
public sealed class InProcessGrainStorage(IGrainStorageSerializer serializer, Func<int> siloCount) : IGrainStorage
{
    /// <summary>The ETag a cleared state is remembered with: a later first write (no ETag) is accepted, as in the memory storage.</summary>
    private const string ClearedTag = "";

    private readonly ConcurrentDictionary<(string State, GrainId Grain), Slot> _entries = new();
    private long _nextTag;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        OneSilo();
        if (_entries.TryGetValue((stateName, grainId), out var slot) && Volatile.Read(ref slot.Current) is { Data: { } data } entry)
        {
            grainState.State = serializer.Deserialize<T>(data) ?? Activator.CreateInstance<T>();
            grainState.ETag = entry.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        OneSilo();
        var data = serializer.Serialize(grainState.State);
        var tag = Interlocked.Increment(ref _nextTag).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Swap((stateName, grainId), grainState.ETag, new Entry(data, tag));
        grainState.ETag = tag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        OneSilo();
        Swap((stateName, grainId), grainState.ETag, new Entry(null, ClearedTag));
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Replaces the entry if the caller's ETag is the stored one (the memory storage's rules), else throws. Without a
    /// lock: each key's slot is swapped by compare-and-exchange, so writes of different grains never wait for each
    /// other (the dictionary's striped locks, taken on every update, showed as spinning in a profile of bookings).
    /// </summary>
    private void Swap((string, GrainId) key, string? expected, Entry next)
    {
        // Nothing stored yet: any write is taken, as the memory storage takes it. GetOrAdd locks only to add a key.
        var slot = _entries.GetOrAdd(key, static _ => new Slot());
        while (true)
        {
            var current = Volatile.Read(ref slot.Current);
            if (current is not null)
            {
                var matches = expected == current.ETag
                    || (current.ETag == ClearedTag && expected is null)
                    || expected == "*";
                if (!matches)
                {
                    throw new InconsistentStateException(
                        $"The stored state {key.Item1} of {key.Item2} has changed since it was read (ETag {current.ETag}, this write had {expected ?? "none"}).",
                        current.ETag,
                        expected ?? string.Empty);
                }
            }

            if (ReferenceEquals(Interlocked.CompareExchange(ref slot.Current, next, current), current))
            {
                return;
            }
        }
    }

    private void OneSilo()
    {
        if (siloCount() > 1)
        {
            throw new InvalidOperationException(
                "This silo keeps grain state in its own memory (Parking:Cluster:InProcessStorage), which no other silo can read, and another silo has joined it. "
                + "Start the first silo of a local cluster with Parking:Cluster:InProcessStorage=false.");
        }
    }

    private sealed record Entry(BinaryData? Data, string ETag);

    /// <summary>Where one state of one grain is kept: its current entry, null until the first write or clear.</summary>
    private sealed class Slot
    {
        public Entry? Current;
    }
}
