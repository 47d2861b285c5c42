using Parking.Domain.Layout;

namespace Parking.Domain.Voting;

/// <summary>
/// One proposal's vote: the proposal, its electorate, one ballot per household and the audit trail of every
/// cast and change. A household votes once and may change its ballot while the period is open; a second cast,
/// or a cast or change outside <c>[Opens, Closes)</c>, is refused and changes nothing. Once the period has
/// closed the result is frozen (<see cref="Final"/>). It is the state of the proposal grain, its single writer.
/// </summary>
[GenerateSerializer]
public sealed class ProposalState
{
    [Id(0)]
    public Proposal? Proposal { get; internal set; }

    /// <summary>Household id → exclusive area (m²), as the layout stood when the proposal was made.</summary>
    [Id(1)]
    internal Dictionary<string, decimal> _electorate = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, decimal> Electorate => _electorate;

    [Id(2)]
    internal Dictionary<string, Ballot> _ballots = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Ballot> Ballots => _ballots;

    [Id(3)]
    internal List<BallotAuditEntry> _audit = [];

    public IReadOnlyList<BallotAuditEntry> Audit => _audit;

    /// <summary>The result, frozen when the period closed; null before.</summary>
    [Id(4)]
    public VoteResult? Final { get; internal set; }

    [Id(5)]
    public long Version { get; internal set; }

    public bool Exists => Proposal is not null;

    public Outcome<Proposal> Create(string compoundId, string proposalId, ProposalDraft draft, IEnumerable<Household> households, string createdBy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (Proposal is not null)
        {
            return DomainError.Conflict("proposal-exists", $"Proposal '{proposalId}' already exists.");
        }

        if (VotingRules.Validate(draft, now) is { } invalid)
        {
            return invalid;
        }

        var electorate = Parking.Domain.Voting.Electorate.Of(households);
        if (electorate.Count == 0)
        {
            return DomainError.Conflict("no-electorate", "The compound has no households to vote.");
        }

        Proposal = new Proposal(
            compoundId, proposalId, draft.Title.Trim(), draft.Description?.Trim() ?? string.Empty,
            draft.ScenarioId.Trim(), draft.ScenarioVersion, draft.Matter, draft.Opens, draft.Closes, createdBy, now);
        _electorate = electorate;
        Version++;
        return Proposal;
    }

    public Outcome<Ballot> Cast(Voter voter, BallotChoice choice, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(voter);
        if (Check(voter, now) is { } refused)
        {
            return refused;
        }

        if (_ballots.ContainsKey(voter.HouseholdId))
        {
            return DomainError.Conflict("already-voted", "Your household has already voted; change its ballot instead.");
        }

        var ballot = new Ballot(voter.HouseholdId, choice, voter.UserId, now, voter.UserId, now, 0);
        Record(ballot, voter, BallotAction.Cast, null, now);
        return ballot;
    }

    public Outcome<Ballot> Change(Voter voter, BallotChoice choice, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(voter);
        if (Check(voter, now) is { } refused)
        {
            return refused;
        }

        if (!_ballots.TryGetValue(voter.HouseholdId, out var current))
        {
            return DomainError.Conflict("not-voted", "Your household has not voted yet; cast its ballot first.");
        }

        var ballot = current with { Choice = choice, UpdatedBy = voter.UserId, UpdatedAt = now, Changes = current.Changes + 1 };
        Record(ballot, voter, BallotAction.Change, current.Choice, now);
        return ballot;
    }

    public VoteTally Tally() => VoteTally.Of(_electorate, _ballots.Values);

    /// <summary>The result at <paramref name="now"/>: the frozen one once closed, else the live figures.</summary>
    public VoteResult Result(DateTimeOffset now)
    {
        var proposal = Proposal ?? throw new InvalidOperationException("No proposal.");
        return Final ?? VoteResult.At(proposal, Tally(), now);
    }

    /// <summary>Freezes the result once the period has closed; true when this call froze it.</summary>
    public bool Close(DateTimeOffset now)
    {
        if (Proposal is null || Final is not null || now < Proposal.Closes)
        {
            return false;
        }

        Final = VoteResult.At(Proposal, Tally(), now);
        Version++;
        return true;
    }

    /// <summary>When the vote next changes by itself: its opening, then its closing; null once frozen.</summary>
    public DateTimeOffset? NextDeadline(DateTimeOffset now) =>
        Proposal is null || Final is not null ? null
        : now < Proposal.Opens ? Proposal.Opens
        : Proposal.Closes;

    public IReadOnlyList<BallotAuditEntry> HistoryOf(string householdId) =>
        [.. _audit.Where(a => a.HouseholdId == householdId)];

    private DomainError? Check(Voter voter, DateTimeOffset now)
    {
        if (Proposal is null)
        {
            return DomainError.NotFound("proposal-not-found", "No such proposal.");
        }

        if (now < Proposal.Opens)
        {
            return DomainError.Conflict("voting-not-open", $"Voting opens at {Proposal.Opens:O}.");
        }

        if (now >= Proposal.Closes || Final is not null)
        {
            return DomainError.Conflict("voting-closed", $"Voting closed at {Proposal.Closes:O}.");
        }

        return _electorate.ContainsKey(voter.HouseholdId)
            ? null
            : new DomainError(ErrorKind.Forbidden, "not-in-electorate", $"Household '{voter.HouseholdId}' is not among the owners voting on this proposal.");
    }

    private void Record(Ballot ballot, Voter voter, BallotAction action, BallotChoice? previous, DateTimeOffset now)
    {
        _ballots[ballot.HouseholdId] = ballot;
        _audit.Add(new BallotAuditEntry(_audit.Count + 1, ballot.HouseholdId, voter.UserId, action, ballot.Choice, previous, now));
        Version++;
    }
}
