using Parking.Domain.Layout;

namespace Parking.Domain.Voting;

/// <summary>
/// The owners who may vote on a proposal: every household of the compound when the proposal was made,
/// weighted by its exclusive floor area.
/// </summary>
public static class Electorate
{
    public static Dictionary<string, decimal> Of(IEnumerable<Household> households)
    {
        ArgumentNullException.ThrowIfNull(households);
        var areas = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var household in households)
        {
            areas[household.Id] = household.ExclusiveAreaSquareMeters;
        }

        return areas;
    }
}

/// <summary>
/// The figures of a vote by number of owners (households) and by exclusive area, and what they decide under
/// the PRC Civil Code, Article 278: owners holding at least two thirds of the exclusive area and at least two
/// thirds of the owners take part (an abstention takes part); a change to the use of common parts then needs
/// at least three quarters of the participating area and of the participating owners, any other matter more
/// than half of both. Every comparison is on cross-multiplied integers and decimals, never on doubles, so a
/// figure exactly on a threshold is decided exactly.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record VoteTally(
    [Id(0)] int TotalOwners,
    [Id(1)] decimal TotalArea,
    [Id(2)] int YesOwners,
    [Id(3)] decimal YesArea,
    [Id(4)] int NoOwners,
    [Id(5)] decimal NoArea,
    [Id(6)] int AbstainOwners,
    [Id(7)] decimal AbstainArea)
{
    public int ParticipatingOwners => YesOwners + NoOwners + AbstainOwners;

    public decimal ParticipatingArea => YesArea + NoArea + AbstainArea;

    /// <summary>Participating area ≥ 2/3 of the total area.</summary>
    public bool ParticipationAreaMet => TotalArea > 0 && 3 * ParticipatingArea >= 2 * TotalArea;

    /// <summary>Participating owners ≥ 2/3 of all owners.</summary>
    public bool ParticipationOwnersMet => TotalOwners > 0 && 3L * ParticipatingOwners >= 2L * TotalOwners;

    public bool QuorumMet => ParticipationAreaMet && ParticipationOwnersMet;

    /// <summary>Yes-area ≥ 3/4 of the participating area (common parts), or &gt; 1/2 of it (other matters).</summary>
    public bool YesAreaMet(VoteMatter matter) => ParticipatingArea > 0 && (matter == VoteMatter.CommonPartsUse
        ? 4 * YesArea >= 3 * ParticipatingArea
        : 2 * YesArea > ParticipatingArea);

    /// <summary>Yes-owners ≥ 3/4 of the participating owners (common parts), or &gt; 1/2 of them (other matters).</summary>
    public bool YesOwnersMet(VoteMatter matter) => ParticipatingOwners > 0 && (matter == VoteMatter.CommonPartsUse
        ? 4L * YesOwners >= 3L * ParticipatingOwners
        : 2L * YesOwners > ParticipatingOwners);

    public bool MajorityMet(VoteMatter matter) => YesAreaMet(matter) && YesOwnersMet(matter);

    public bool Passes(VoteMatter matter) => QuorumMet && MajorityMet(matter);

    public static VoteTally Of(IReadOnlyDictionary<string, decimal> electorate, IEnumerable<Ballot> ballots)
    {
        ArgumentNullException.ThrowIfNull(electorate);
        ArgumentNullException.ThrowIfNull(ballots);
        int yes = 0, no = 0, abstain = 0;
        decimal yesArea = 0, noArea = 0, abstainArea = 0;
        foreach (var ballot in ballots)
        {
            if (!electorate.TryGetValue(ballot.HouseholdId, out var area))
            {
                continue;
            }

            switch (ballot.Choice)
            {
                case BallotChoice.Yes:
                    yes++;
                    yesArea += area;
                    break;
                case BallotChoice.No:
                    no++;
                    noArea += area;
                    break;
                default:
                    abstain++;
                    abstainArea += area;
                    break;
            }
        }

        return new VoteTally(electorate.Count, electorate.Values.Sum(), yes, yesArea, no, noArea, abstain, abstainArea);
    }
}

/// <summary>Where a vote stands: not open yet, open (live turnout), or closed and passed or failed.</summary>
public enum VoteStatus
{
    Scheduled,
    Open,
    Passed,
    Failed,
}

/// <summary>Why a closed vote failed.</summary>
public enum VoteFailure
{
    QuorumNotMet,
    MajorityNotMet,
}

/// <summary>A vote's status and figures at one instant; <see cref="ClosedAt"/> is set once the result is frozen.</summary>
[GenerateSerializer, Immutable]
public sealed record VoteResult(
    [Id(0)] VoteStatus Status,
    [Id(1)] VoteFailure? Failure,
    [Id(2)] VoteTally Tally,
    [Id(3)] DateTimeOffset? ClosedAt)
{
    public bool IsClosed => Status is VoteStatus.Passed or VoteStatus.Failed;

    /// <summary>The result of the vote at <paramref name="now"/>: open (or scheduled) figures, or the decision once it has closed.</summary>
    public static VoteResult At(Proposal proposal, VoteTally tally, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(tally);
        if (now < proposal.Opens)
        {
            return new VoteResult(VoteStatus.Scheduled, null, tally, null);
        }

        if (now < proposal.Closes)
        {
            return new VoteResult(VoteStatus.Open, null, tally, null);
        }

        VoteFailure? failure = !tally.QuorumMet ? VoteFailure.QuorumNotMet
            : !tally.MajorityMet(proposal.Matter) ? VoteFailure.MajorityNotMet
            : null;
        return new VoteResult(failure is null ? VoteStatus.Passed : VoteStatus.Failed, failure, tally, proposal.Closes);
    }
}
