using Parking.Domain.Rounds;
using Parking.Domain.Sharing;
using Parking.Planning.Sharing;

namespace Parking.Grains.Rounds;

/// <summary>
/// What a round did with one request: served (booked: <see cref="ReservationIds"/>), or waitlisted (no space in
/// the round, or the booking was raced at commit time: <see cref="Reason"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoundRequestResult(
    [property: Id(0)] RoundEntry Request,
    RoundRequestStatus Status,
    [property: Id(2)] string? SpaceId,
    [property: Id(3)] string? LotId,
    [property: Id(4)] int WalkMeters,
    [property: Id(5)] IReadOnlyList<string> ReservationIds,
    [property: Id(6)] string? Reason)
{
    // Earlier builds stored the status as its word under Id(1); the enum is stored under Id(7). Such state has
    // only the word, which the property reads (as RebalancingSuggestion's status).
    [Id(1)]
    private readonly string? _storedStatusWord;

    [Id(7)]
    private readonly RoundRequestStatus? _status = Status;

    public RoundRequestStatus Status
    {
        get => _status ?? Enum.Parse<RoundRequestStatus>(_storedStatusWord!, ignoreCase: true);
        init
        {
            _status = value;
            _storedStatusWord = null;
        }
    }
}

/// <summary>
/// One finished round: how far the optimizer got (<see cref="RoundSolveStatus"/>) and its figures and every
/// request's result. <see cref="Metrics"/> are the planner's (before booking); <see cref="RequestsBooked"/> counts
/// what was really booked.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoundReport(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] int Round,
    [property: Id(2)] DateTimeOffset RanAt,
    [property: Id(3)] string StartedBy,
    RoundSolveStatus Status,
    [property: Id(5)] SharingMetrics Metrics,
    [property: Id(6)] int RequestsBooked,
    [property: Id(7)] double HoursBooked,
    [property: Id(8)] TimeSpan SolveTime,
    [property: Id(9)] IReadOnlyList<RoundRequestResult> Results)
{
    // Earlier builds stored the status as its word under Id(4); the enum is stored under Id(10).
    [Id(4)]
    private readonly string? _storedStatusWord;

    [Id(10)]
    private readonly RoundSolveStatus? _status = Status;

    public RoundSolveStatus Status
    {
        get => _status ?? Enum.Parse<RoundSolveStatus>(_storedStatusWord!, ignoreCase: true);
        init
        {
            _status = value;
            _storedStatusWord = null;
        }
    }
}

/// <summary>The open round: its number, when it runs by itself (null: only when staff start it), and its requests.</summary>
[GenerateSerializer, Immutable]
public sealed record OpenRound(
    [property: Id(0)] int Round,
    [property: Id(1)] DateTimeOffset? RunsAt,
    [property: Id(2)] IReadOnlyList<RoundEntry> Requests);

/// <summary>
/// A compound's allocation rounds and its waitlist (key: compound id). Requests gather in the open round;
/// a run (staff or the daily reminder) solves them against the free shared supply, books the assignments
/// through the spaces, keeps household rotation weights and pushes each driver their result. What cannot be
/// met waits on the waitlist and is booked, first in line first, when a space frees time.
/// </summary>
public interface IRoundGrain : IGrainWithStringKey
{
    /// <summary>Adds a request to the open round. <paramref name="round"/>, when given, must be the open round's number.</summary>
    Task<Outcome<RoundEntry>> Submit(RoundAsker asker, RoundAsk ask, int? round);

    Task<Outcome<RoundEntry>> Withdraw(string requestId, Actor actor);

    [ReadOnly]
    Task<OpenRound> GetOpenRound();

    /// <summary>The last finished round, or null when none has run.</summary>
    [ReadOnly]
    Task<RoundReport?> GetLastRound();

    /// <summary>Runs the open round now; <paramref name="startedBy"/> is the staff member (or <c>schedule</c>).</summary>
    Task<RoundReport> Run(string startedBy);

    [ReadOnly]
    Task<IReadOnlyDictionary<string, double>> GetHouseholdWeights();

    Task<Outcome<RoundEntry>> JoinWaitlist(RoundAsker asker, RoundAsk ask);

    Task<Outcome<RoundEntry>> LeaveWaitlist(string entryId, Actor actor);

    [ReadOnly]
    Task<IReadOnlyList<RoundEntry>> GetWaitlist();

    /// <summary>A space freed time (a cancellation, a no-show, a newly shared window): try the waitlist, first in line first.</summary>
    [OneWay]
    Task SpaceFreed(string spaceId);
}
