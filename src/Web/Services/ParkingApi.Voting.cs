namespace Parking.Web.Services;

/// <summary>Proposals and ballots (the owners' vote), and the committee's scenarios to put to it.</summary>
public sealed partial class ParkingApi
{
    public Task<ProposalDto[]> ProposalsAsync() => SendAsync<ProposalDto[]>(HttpMethod.Get, $"api/compounds/{Compound}/proposals");

    public Task<ProposalDto> CreateProposalAsync(CreateProposalRequest request) =>
        SendAsync<ProposalDto>(HttpMethod.Post, $"api/compounds/{Compound}/proposals", request);

    public Task<MyBallotDto> MyBallotAsync(string proposalId) =>
        SendAsync<MyBallotDto>(HttpMethod.Get, $"api/compounds/{Compound}/proposals/{Uri.EscapeDataString(proposalId)}/ballot");

    /// <summary>Casts the household's first ballot (<paramref name="change"/> false) or changes it.</summary>
    public Task<BallotDto> VoteAsync(string proposalId, string choice, bool change) =>
        SendAsync<BallotDto>(change ? HttpMethod.Put : HttpMethod.Post, $"api/compounds/{Compound}/proposals/{Uri.EscapeDataString(proposalId)}/ballot", new BallotRequest(choice));

    public Task<BallotAuditEntryDto[]> ProposalAuditAsync(string proposalId) =>
        SendAsync<BallotAuditEntryDto[]>(HttpMethod.Get, $"api/compounds/{Compound}/proposals/{Uri.EscapeDataString(proposalId)}/audit");

    /// <summary>The compound's scenarios the committee may put to the vote (latest version and its common-parts flag).</summary>
    public Task<ScenarioSummaryDto[]> ScenarioChoicesAsync() => SendAsync<ScenarioSummaryDto[]>(HttpMethod.Get, $"api/compounds/{Compound}/scenarios");
}
