namespace Parking.Domain.Voting;

/// <summary>
/// A compound's owners' proposals: the ids made, oldest first, and the numbering that hands each id out once.
/// Changes only through its methods.
/// </summary>
[GenerateSerializer]
public sealed class ProposalIndexState
{
    [Id(0)]
    internal List<string> _proposalIds = [];

    [Id(1)]
    internal long _nextId;

    /// <summary>The proposals made, oldest first.</summary>
    public IReadOnlyList<string> ProposalIds => _proposalIds;

    /// <summary>The proposals made, newest first (how they are listed).</summary>
    public IReadOnlyList<string> Newest => [.. Enumerable.Reverse(_proposalIds)];

    /// <summary>The number the last id taken had (0 before any).</summary>
    public long NextId => _nextId;

    /// <summary>Takes the next proposal id; it is never handed out again, whether the proposal is made or not.</summary>
    public string TakeId() => $"p{++_nextId}";

    /// <summary>Whether a proposal may be made under an id chosen by the caller: null when it may, the conflict when the id is made already.</summary>
    public DomainError? MayMakeAs(string proposalId) =>
        _proposalIds.Contains(proposalId) ? DomainError.Conflict("proposal-exists", $"Proposal '{proposalId}' already exists.") : null;

    /// <summary>The proposal <paramref name="proposalId"/> was made.</summary>
    public void Made(string proposalId) => _proposalIds.Add(proposalId);
}
