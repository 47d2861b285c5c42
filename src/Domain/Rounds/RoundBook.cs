using Parking.Domain.Layout;
using Parking.Domain.Reservations;

namespace Parking.Domain.Rounds;

/// <summary>What a driver asks of the next round, or of the waitlist: windows on one space of a kind, near a building.</summary>
[GenerateSerializer, Immutable]
public sealed record RoundAsk(
    [Id(0)] IReadOnlyList<TimeWindow> Windows,
    [Id(1)] SpaceKind Kind,
    [Id(2)] string? PreferredBuildingId,
    [Id(3)] string? Plate);

/// <summary>Who asks: the resident and their household (rotation weights are per household).</summary>
[GenerateSerializer, Immutable]
public sealed record RoundAsker([Id(0)] string ResidentId, [Id(1)] string HouseholdId, [Id(2)] string? BuildingId);

/// <summary>Where an entry came from: a request for a round, or an ask put <c>direct</c>ly on the waitlist.</summary>
public enum RoundEntryOrigin
{
    Round,
    Direct,
}

/// <summary>What a round did with one request: booked it (<c>served</c>), or put it on the waitlist.</summary>
public enum RoundRequestStatus
{
    Served,
    Waitlisted,
}

/// <summary>How far a round's solve got: proved best, the best within the budget, or the greedy round.</summary>
public enum RoundSolveStatus
{
    Optimal,
    Feasible,
    Fallback,
}

/// <summary>
/// The fields of a <see cref="RoundEntry"/> as earlier builds stored them, the origin as its word (<c>round</c>,
/// <c>direct</c>): the first layer of the stored form. Earlier builds stored the entry as a positional record, which
/// the serializer writes as one layer and an end-of-base mark; this class keeps that layer as it was, and
/// <see cref="RoundEntry"/> adds the origin as an enum in the layer after it (as <see cref="Gates.GateDecisionLayout"/>).
/// </summary>
[GenerateSerializer]
public abstract class RoundEntryLayout
{
    [Id(0)] internal string _id = string.Empty;
    [Id(1)] internal int _round;
    [Id(2)] internal RoundAsker _asker = null!;
    [Id(3)] internal RoundAsk _ask = null!;
    [Id(4)] internal DateTimeOffset _createdAt;
    [Id(5)] internal string? _storedOriginWord;

    private protected RoundEntryLayout()
    {
    }
}

/// <summary>A request in the next round (<see cref="Round"/>) or an entry on the waitlist.</summary>
[GenerateSerializer, Immutable]
public sealed class RoundEntry : RoundEntryLayout
{
    // Null in an entry an earlier build stored: it has only the word.
    [Id(0)] internal RoundEntryOrigin? _origin;

    public RoundEntry(string id, int round, RoundAsker asker, RoundAsk ask, DateTimeOffset createdAt, RoundEntryOrigin origin)
    {
        (_id, _round, _asker, _ask, _createdAt, _origin) = (id, round, asker, ask, createdAt, origin);
    }

    public string Id => _id;

    public int Round => _round;

    public RoundAsker Asker => _asker;

    public RoundAsk Ask => _ask;

    public DateTimeOffset CreatedAt => _createdAt;

    public RoundEntryOrigin Origin => _origin ?? _storedOriginWord switch
    {
        "round" => RoundEntryOrigin.Round,
        "direct" => RoundEntryOrigin.Direct,
        var word => throw new FormatException($"'{word}' is not where a round entry came from."),
    };

    /// <summary>When the entry's first window starts: a waitlist entry expires then.</summary>
    public DateTimeOffset FirstStart => Ask.Windows.Min(w => w.Start);
}

/// <summary>
/// A compound's allocation rounds and its waitlist: the open round's number and requests, the waitlist (first in
/// line first), and the households' rotation weights. Every change goes through a method that checks it: a request
/// for the open round only, windows one could book, at most <see cref="RoundPolicy.MaxRequestsPerResident"/> per
/// resident in each list, only its resident or staff may take it back. The state of the round grain, its single writer.
/// </summary>
[GenerateSerializer]
public sealed class RoundBook
{
    // Stored fields are internal, not private: their codec is generated in Parking.Grains
    // (InternalsVisibleTo), and a generator cannot see another assembly's private members.
    [Id(0)]
    internal int _round = 1;

    [Id(1)]
    internal List<RoundEntry> _requests = [];

    [Id(2)]
    internal List<RoundEntry> _waitlist = [];

    [Id(3)]
    internal Dictionary<string, double> _weights = new(StringComparer.Ordinal);

    [Id(4)]
    internal long _nextId;

    /// <summary>The open round's number: 1 before any round ran.</summary>
    public int Round => _round;

    /// <summary>The open round's requests, in the order they came.</summary>
    public IReadOnlyList<RoundEntry> Requests => _requests.AsReadOnly();

    /// <summary>The waitlist, first in line first.</summary>
    public IReadOnlyList<RoundEntry> Waitlist => _waitlist.AsReadOnly();

    /// <summary>Each household's rotation weight after the last round (a household that lost out weighs more next time).</summary>
    public IReadOnlyDictionary<string, double> Weights => _weights.AsReadOnly();

    /// <summary>
    /// A book holding what an earlier build stored field by field: the open round, its requests, the waitlist,
    /// the households' weights and the last number handed out. For reading old stored state only.
    /// </summary>
    public static RoundBook Restore(int round, IEnumerable<RoundEntry> requests, IEnumerable<RoundEntry> waitlist, IReadOnlyDictionary<string, double> weights, long nextId)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(waitlist);
        ArgumentNullException.ThrowIfNull(weights);
        return new RoundBook
        {
            _round = round,
            _requests = [.. requests],
            _waitlist = [.. waitlist],
            _weights = new Dictionary<string, double>(weights, StringComparer.Ordinal),
            _nextId = nextId,
        };
    }

    /// <summary>Adds a request to the open round; <paramref name="round"/>, when given, must be its number.</summary>
    public Outcome<RoundEntry> Submit(RoundAsker asker, RoundAsk ask, int? round, RoundPolicy policy, ReservationPolicy reservations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(asker);
        ArgumentNullException.ThrowIfNull(ask);
        if (round is { } asked && asked != _round)
        {
            return asked < _round
                ? DomainError.Invalid("round", "round-closed", $"Round {asked} has closed; the open round is {_round}.")
                : DomainError.Invalid("round", "round-not-open", $"Round {asked} is not open yet; the open round is {_round}.");
        }

        if (Check(asker, ask, _requests, policy, reservations, now) is { } invalid)
        {
            return invalid;
        }

        var entry = new RoundEntry($"r{_round}-{++_nextId}", _round, asker, ask, now, RoundEntryOrigin.Round);
        _requests.Add(entry);
        return entry;
    }

    /// <summary>Takes a request back out of the open round (its resident or staff).</summary>
    public Outcome<RoundEntry> Withdraw(string requestId, Actor actor) => Remove(_requests, requestId, actor, "round-request-not-found");

    /// <summary>Puts a driver's ask at the end of the waitlist.</summary>
    public Outcome<RoundEntry> JoinWaitlist(RoundAsker asker, RoundAsk ask, RoundPolicy policy, ReservationPolicy reservations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(asker);
        ArgumentNullException.ThrowIfNull(ask);
        if (Check(asker, ask, _waitlist, policy, reservations, now) is { } invalid)
        {
            return invalid;
        }

        var entry = new RoundEntry($"w{++_nextId}", 0, asker, ask, now, RoundEntryOrigin.Direct);
        _waitlist.Add(entry);
        return entry;
    }

    /// <summary>Takes an entry off the waitlist (its resident or staff).</summary>
    public Outcome<RoundEntry> LeaveWaitlist(string entryId, Actor actor) => Remove(_waitlist, entryId, actor, "waitlist-entry-not-found");

    /// <summary>Drops the waitlist entries whose first window has started: too late to book them whole. Returns how many.</summary>
    public int ExpireWaitlist(DateTimeOffset now) => _waitlist.RemoveAll(e => e.FirstStart <= now);

    /// <summary>A waitlist entry was booked: it leaves the list. False when it was not on it.</summary>
    public bool Served(RoundEntry entry) => _waitlist.RemoveAll(e => e.Id == entry.Id) > 0;

    /// <summary>
    /// Closes the open round after it ran over <paramref name="ran"/> (the requests it was given): they leave the
    /// round, those not booked (<paramref name="unserved"/>) join the end of the waitlist, the households'
    /// weights become <paramref name="weights"/>, and the next round opens. Requests that came in while it ran stay.
    /// </summary>
    public void Close(IReadOnlyCollection<RoundEntry> ran, IEnumerable<RoundEntry> unserved, IReadOnlyDictionary<string, double> weights)
    {
        ArgumentNullException.ThrowIfNull(ran);
        ArgumentNullException.ThrowIfNull(unserved);
        ArgumentNullException.ThrowIfNull(weights);
        _weights = new Dictionary<string, double>(weights, StringComparer.Ordinal);
        _waitlist.AddRange(unserved);
        _requests.RemoveAll(r => ran.Any(x => x.Id == r.Id));
        _round++;
    }

    private static DomainError? Check(RoundAsker asker, RoundAsk ask, List<RoundEntry> list, RoundPolicy policy, ReservationPolicy reservations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (RoundRules.Validate(ask.Windows, policy, reservations, now) is { } invalid)
        {
            return invalid;
        }

        return list.Count(e => e.Asker.ResidentId == asker.ResidentId) >= policy.MaxRequestsPerResident
            ? DomainError.Conflict("round-request-limit", $"You already hold {policy.MaxRequestsPerResident} open requests here.")
            : null;
    }

    private static Outcome<RoundEntry> Remove(List<RoundEntry> list, string id, Actor actor, string notFound)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var entry = list.Find(e => e.Id == id);
        if (entry is null)
        {
            return DomainError.NotFound(notFound, $"No open request or entry '{id}'.");
        }

        if (!actor.IsStaff && entry.Asker.ResidentId != actor.UserId)
        {
            return DomainError.Forbidden("The request belongs to another resident.");
        }

        list.Remove(entry);
        return entry;
    }
}
