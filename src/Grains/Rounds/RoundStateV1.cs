using Parking.Domain.Rounds;

namespace Parking.Grains.Rounds;

/// <summary>
/// The round grain's state as builds before the <see cref="RoundBook"/> stored it: the book's fields flat in the
/// state, ids 0–5. Such state is read into today's <see cref="RoundState"/> (see <see cref="StoredStateSerializer"/>)
/// and written back in today's layout with the next change.
/// </summary>
[GenerateSerializer]
public sealed class RoundStateV1
{
    [Id(0)]
    public int Round { get; set; } = 1;

    [Id(1)]
    public List<RoundEntry> Requests { get; set; } = [];

    [Id(2)]
    public RoundReport? Last { get; set; }

    [Id(3)]
    public Dictionary<string, double> Weights { get; set; } = new(StringComparer.Ordinal);

    [Id(4)]
    public List<RoundEntry> Waitlist { get; set; } = [];

    [Id(5)]
    public long NextId { get; set; }

    public RoundState ToCurrent() => RoundState.Restore(RoundBook.Restore(Round, Requests, Waitlist, Weights, NextId), Last);
}
