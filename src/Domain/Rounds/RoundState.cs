using Parking.Domain.Sharing;

namespace Parking.Domain.Rounds;

/// <summary>
/// What a round did with one request: served (booked: <see cref="ReservationIds"/>), or waitlisted (no space in
/// the round, or the booking was raced at commit time: <see cref="Reason"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoundRequestResult(
    RoundEntry Request,
    RoundRequestStatus Status,
    string? SpaceId,
    string? LotId,
    int WalkMeters,
    IReadOnlyList<string> ReservationIds,
    string? Reason)
{
    /// <summary>The optimizer gave the request no space: it waits on the list.</summary>
    public static RoundRequestResult NoSpace(RoundEntry request) =>
        new(request, RoundRequestStatus.Waitlisted, null, null, 0, [], "no-space");

    /// <summary>The request was booked on the space the optimizer gave it.</summary>
    public static RoundRequestResult Served(RoundEntry request, string spaceId, string lotId, int walkMeters, IReadOnlyList<string> reservationIds) =>
        new(request, RoundRequestStatus.Served, spaceId, lotId, walkMeters, reservationIds, null);

    /// <summary>
    /// The space refused the booking the optimizer planned (raced by a direct booking, or its own rules, e.g. credits):
    /// the request waits, with the space's reason.
    /// </summary>
    public static RoundRequestResult Refused(RoundEntry request, DomainError refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new(request, RoundRequestStatus.Waitlisted, null, null, 0, [], refusal.Code);
    }

    [Id(0)] internal RoundEntry _request = Request;

    public RoundEntry Request { get => _request; init => _request = value; }

    [Id(2)] internal string? _spaceId = SpaceId;

    public string? SpaceId { get => _spaceId; init => _spaceId = value; }

    [Id(3)] internal string? _lotId = LotId;

    public string? LotId { get => _lotId; init => _lotId = value; }

    [Id(4)] internal int _walkMeters = WalkMeters;

    public int WalkMeters { get => _walkMeters; init => _walkMeters = value; }

    [Id(5)] internal IReadOnlyList<string> _reservationIds = ReservationIds;

    public IReadOnlyList<string> ReservationIds { get => _reservationIds; init => _reservationIds = value; }

    [Id(6)] internal string? _reason = Reason;

    public string? Reason { get => _reason; init => _reason = value; }

    // Earlier builds stored the status as its word under Id(1); the enum is stored under Id(7). Such state has
    // only the word, which the property reads (as RebalancingSuggestion's status).
    [Id(1)]
    internal string? _storedStatusWord;

    [Id(7)]
    internal RoundRequestStatus? _status = Status;

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
    string CompoundId,
    int Round,
    DateTimeOffset RanAt,
    string StartedBy,
    RoundSolveStatus Status,
    SharingMetrics Metrics,
    int RequestsBooked,
    double HoursBooked,
    TimeSpan SolveTime,
    IReadOnlyList<RoundRequestResult> Results)
{
    /// <summary>A round's report from its results: the requests booked are those served.</summary>
    public static RoundReport Of(
        string compoundId,
        int round,
        DateTimeOffset ranAt,
        string startedBy,
        RoundSolveStatus status,
        SharingMetrics metrics,
        double hoursBooked,
        TimeSpan solveTime,
        IReadOnlyList<RoundRequestResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return new(compoundId, round, ranAt, startedBy, status, metrics, results.Count(r => r.Status == RoundRequestStatus.Served), hoursBooked, solveTime, results);
    }

    [Id(0)] internal string _compoundId = CompoundId;

    public string CompoundId { get => _compoundId; init => _compoundId = value; }

    [Id(1)] internal int _round = Round;

    public int Round { get => _round; init => _round = value; }

    [Id(2)] internal DateTimeOffset _ranAt = RanAt;

    public DateTimeOffset RanAt { get => _ranAt; init => _ranAt = value; }

    [Id(3)] internal string _startedBy = StartedBy;

    public string StartedBy { get => _startedBy; init => _startedBy = value; }

    [Id(5)] internal SharingMetrics _metrics = Metrics;

    public SharingMetrics Metrics { get => _metrics; init => _metrics = value; }

    [Id(6)] internal int _requestsBooked = RequestsBooked;

    public int RequestsBooked { get => _requestsBooked; init => _requestsBooked = value; }

    [Id(7)] internal double _hoursBooked = HoursBooked;

    public double HoursBooked { get => _hoursBooked; init => _hoursBooked = value; }

    [Id(8)] internal TimeSpan _solveTime = SolveTime;

    public TimeSpan SolveTime { get => _solveTime; init => _solveTime = value; }

    [Id(9)] internal IReadOnlyList<RoundRequestResult> _results = Results;

    public IReadOnlyList<RoundRequestResult> Results { get => _results; init => _results = value; }

    // Earlier builds stored the status as its word under Id(4); the enum is stored under Id(10).
    [Id(4)]
    internal string? _storedStatusWord;

    [Id(10)]
    internal RoundSolveStatus? _status = Status;

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
    int Round,
    DateTimeOffset? RunsAt,
    IReadOnlyList<RoundEntry> Requests)
{
    [Id(0)] internal int _round = Round;

    public int Round { get => _round; init => _round = value; }

    [Id(1)] internal DateTimeOffset? _runsAt = RunsAt;

    public DateTimeOffset? RunsAt { get => _runsAt; init => _runsAt = value; }

    [Id(2)] internal IReadOnlyList<RoundEntry> _requests = Requests;

    public IReadOnlyList<RoundEntry> Requests { get => _requests; init => _requests = value; }
}

/// <summary>The round grain's stored state: the rounds and the waitlist (a Domain object), and the last round's report.</summary>
[GenerateSerializer]
public sealed class RoundState
{
    [Id(0)]
    public RoundBook Book { get; internal set; } = new();

    [Id(1)]
    public RoundReport? Last { get; internal set; }

    /// <summary>
    /// A round ran over <paramref name="requests"/> and <paramref name="report"/> says what became of each: the round
    /// closes (see <see cref="RoundBook.Close"/>), what was not booked joins the waitlist, the households' weights are
    /// <paramref name="weights"/>, and the report is the last round's.
    /// </summary>
    public void Ran(RoundReport report, IReadOnlyCollection<RoundEntry> requests, IReadOnlyDictionary<string, double> weights)
    {
        ArgumentNullException.ThrowIfNull(report);
        Book.Close(requests, report.Results.Where(r => r.Status == RoundRequestStatus.Waitlisted).Select(r => r.Request), weights);
        Last = report;
    }

    /// <summary>The state as an earlier build stored it, its book's fields flat (see RoundStateV1 in Grains).</summary>
    public static RoundState Restore(RoundBook book, RoundReport? last) => new() { Book = book, Last = last };
}
