using Microsoft.Extensions.Logging;
using Parking.Domain.History;

namespace Parking.Grains.History;

/// <summary>
/// The embedded default's history: the newest events of this process, in memory, lost when it stops.
/// Each silo keeps what its own space grains appended, so with several silos a report on one host sees
/// only part of the history; the embedded default runs one silo, and production keeps it in PostgreSQL.
/// </summary>
public sealed partial class InMemoryReservationHistory(ILogger<InMemoryReservationHistory> logger) : IReservationHistory
{
    /// <summary>Enough for weeks of a Chengshangcheng-sized compound (about 200 bytes an event).</summary>
    public const int DefaultCapacity = 500_000;

    private readonly Lock _gate = new();
    private readonly Queue<ReservationEvent> _events = new();
    private readonly Dictionary<(string Compound, string Resident), string> _departed = [];
    private bool _warnedFull;

    public int Capacity { get; init; } = DefaultCapacity;

    public void Append(ReservationEvent reservationEvent)
    {
        ArgumentNullException.ThrowIfNull(reservationEvent);
        var dropped = false;
        lock (_gate)
        {
            if (_events.Count >= Capacity)
            {
                // Bounded: the oldest events go first, so a long-running demo cannot exhaust memory.
                _events.Dequeue();
                dropped = !_warnedFull;
                _warnedFull = true;
            }

            _events.Enqueue(_departed.TryGetValue((reservationEvent.CompoundId, reservationEvent.ResidentId), out var pseudonym)
                ? reservationEvent with { ResidentId = pseudonym }
                : reservationEvent);
        }

        if (dropped)
        {
            LogFull(Capacity);
        }
    }

    public Task<IReadOnlyList<ReservationEvent>> Query(string compoundId, DateTimeOffset from, DateTimeOffset to, string? lotId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<ReservationEvent> found =
            [
                .. _events.Where(e => e.CompoundId == compoundId && (lotId is null || e.LotId == lotId) && e.BearsOn(from, to)),
            ];
            return Task.FromResult(found);
        }
    }

    public Task Anonymise(string compoundId, string residentId, string pseudonym, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _departed[(compoundId, residentId)] = pseudonym;
            var kept = _events.Select(e => e.CompoundId == compoundId && e.ResidentId == residentId ? e with { ResidentId = pseudonym } : e).ToList();
            _events.Clear();
            foreach (var e in kept)
            {
                _events.Enqueue(e);
            }
        }

        return Task.CompletedTask;
    }

    public Task<int> Forget(string compoundId, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var kept = _events.Where(e => !(e.CompoundId == compoundId && IsPast(e, cutoff))).ToList();
            var removed = _events.Count - kept.Count;
            if (removed > 0)
            {
                _events.Clear();
                foreach (var e in kept)
                {
                    _events.Enqueue(e);
                }
            }

            return Task.FromResult(removed);
        }
    }

    /// <summary>The same rule as the PostgreSQL store's: the event and its booking's window both before the cutoff.</summary>
    private static bool IsPast(ReservationEvent e, DateTimeOffset cutoff) => e.At < cutoff && e.Window.End < cutoff;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The in-memory reservation history holds {Capacity} events; the oldest are being dropped")]
    private partial void LogFull(int capacity);
}
