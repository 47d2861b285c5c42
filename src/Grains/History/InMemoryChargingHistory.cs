using Parking.Domain.History;

namespace Parking.Grains.History;

/// <summary>
/// The embedded default's charging history: this process's sessions in memory, the oldest dropped beyond
/// <see cref="Capacity"/>, lost when it stops (as the in-memory reservation history).
/// </summary>
public sealed class InMemoryChargingHistory : IChargingHistory
{
    /// <summary>Months of a Chengshangcheng-sized compound (60 chargers, a few sessions each a day).</summary>
    public const int DefaultCapacity = 200_000;

    private readonly Lock _gate = new();
    private readonly LinkedList<ChargingSessionRecord> _sessions = new();
    private readonly HashSet<(string, string, int, DateTimeOffset)> _keys = [];
    private readonly Dictionary<(string Compound, string Resident), string> _departed = [];

    public int Capacity { get; init; } = DefaultCapacity;

    public void Append(ChargingSessionRecord session)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            if (!_keys.Add(Key(session)))
            {
                return;
            }

            _sessions.AddLast(session.ResidentId is { } resident && _departed.TryGetValue((session.CompoundId, resident), out var pseudonym)
                ? session with { ResidentId = pseudonym }
                : session);
            if (_sessions.Count > Capacity)
            {
                _keys.Remove(Key(_sessions.First!.Value));
                _sessions.RemoveFirst();
            }
        }
    }

    public Task<IReadOnlyList<ChargingSessionRecord>> Query(ChargingSessionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            IReadOnlyList<ChargingSessionRecord> found =
            [
                .. _sessions.Where(query.Matches).OrderByDescending(s => s.StartedAt).ThenBy(s => s.ChargerId, StringComparer.Ordinal).Take(query.Limit),
            ];
            return Task.FromResult(found);
        }
    }

    public Task Anonymise(string compoundId, string residentId, string pseudonym, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _departed[(compoundId, residentId)] = pseudonym;
            for (var node = _sessions.First; node is not null; node = node.Next)
            {
                if (node.Value.CompoundId == compoundId && node.Value.ResidentId == residentId)
                {
                    node.Value = node.Value with { ResidentId = pseudonym };
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<int> Forget(string compoundId, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var removed = 0;
        lock (_gate)
        {
            for (var node = _sessions.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.CompoundId == compoundId && node.Value.StoppedAt < cutoff)
                {
                    _keys.Remove(Key(node.Value));
                    _sessions.Remove(node);
                    removed++;
                }

                node = next;
            }
        }

        return Task.FromResult(removed);
    }

    private static (string, string, int, DateTimeOffset) Key(ChargingSessionRecord s) => (s.CompoundId, s.ChargerId, s.TransactionId, s.StartedAt);
}
