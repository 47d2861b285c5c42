using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Parking.Api.Auth;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Api.Tests.Voting;

/// <summary>A host of its own: the close test moves its clock past a voting period.</summary>
public sealed class VotingHostFixture : OwnHostFixture;

/// <summary>
/// Proposals and ballots over HTTP and the real SignalR client, in the small demo compound (60 households, one
/// resident each: r00001 lives in H00001). Each test makes its own proposals and votes with its own residents.
/// </summary>
public sealed class VotingApiTests(VotingHostFixture fixture) : IClassFixture<VotingHostFixture>
{
    private const string Committee = "committee01";
    private readonly ParkingHost _host = fixture.Host;

    private static string Path(string relative = "") => ParkingHost.CompoundPath($"proposals/{relative.TrimStart('/')}".TrimEnd('/'));

    private CreateProposalRequest Request(string matter = "commonPartsUse", TimeSpan? closesIn = null) =>
        new("Convert common spaces to EV", "Row C of the garage", "sc-ev", 2, matter, _host.Now, _host.Now + (closesIn ?? TimeSpan.FromDays(7)));

    private async Task<ProposalDto> CreateOk(CreateProposalRequest request)
    {
        using var response = await _host.SendAsync(HttpMethod.Post, Path(), Committee, request);
        await ParkingHost.Expect(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<ProposalDto>(ParkingHost.Json))!;
    }

    private Task<HttpResponseMessage> Vote(HttpMethod method, string proposalId, string userId, string? choice) =>
        _host.SendAsync(method, Path($"{proposalId}/ballot"), userId, new BallotRequest(choice));

    private async Task VoteOk(HttpMethod method, string proposalId, string userId, string choice)
    {
        using var response = await Vote(method, proposalId, userId, choice);
        await ParkingHost.Expect(response, method == HttpMethod.Post ? HttpStatusCode.Created : HttpStatusCode.OK);
    }

    private static string Resident(int number) => $"r{number:00000}";

    [Fact]
    public async Task A_household_votes_once_changes_its_ballot_and_sees_only_its_own_while_the_committee_sees_the_trail()
    {
        var proposal = await CreateOk(Request());
        Assert.Equal(("open", VoteMatterDto.CommonPartsUse, 60), (proposal.Status.WireName(), proposal.Matter, proposal.Turnout.TotalOwners));
        Assert.Equal(new VoteRuleDto(2, 3, 3, 4, false), proposal.Rule);
        Assert.NotNull(proposal.Tally);

        using (var cast = await Vote(HttpMethod.Post, proposal.ProposalId, Resident(1), "yes"))
        {
            await ParkingHost.Expect(cast, HttpStatusCode.Created);
            var ballot = (await cast.Content.ReadFromJsonAsync<BallotDto>(ParkingHost.Json))!;
            Assert.Equal(("H00001", BallotChoiceDto.Yes, Resident(1)), (ballot.HouseholdId, ballot.Choice, ballot.CastBy));
        }

        using (var twice = await Vote(HttpMethod.Post, proposal.ProposalId, Resident(1), "no"))
        {
            await ProblemAssert.Expect(twice, HttpStatusCode.Conflict, "already-voted");
        }

        await VoteOk(HttpMethod.Put, proposal.ProposalId, Resident(1), "no");
        await VoteOk(HttpMethod.Post, proposal.ProposalId, Resident(2), "abstain");

        var mine = await _host.GetOkAsync<MyBallotDto>(Path($"{proposal.ProposalId}/ballot"), Resident(1));
        Assert.Equal(((BallotChoiceDto?)BallotChoiceDto.No, 1), (mine.Ballot?.Choice, mine.Ballot?.Changes));
        Assert.Equal([(BallotActionDto.Cast, BallotChoiceDto.Yes, (BallotChoiceDto?)null), (BallotActionDto.Change, BallotChoiceDto.No, BallotChoiceDto.Yes)], mine.History.Select(h => (h.Action, h.Choice, h.PreviousChoice)));
        var notYet = await _host.GetOkAsync<MyBallotDto>(Path($"{proposal.ProposalId}/ballot"), Resident(3));
        Assert.Null(notYet.Ballot);
        Assert.Empty(notYet.History);

        // A resident sees turnout, not how anyone voted, while the vote is open; the committee sees both.
        var residentView = await _host.GetOkAsync<ProposalDto>(Path(proposal.ProposalId), Resident(3));
        Assert.Null(residentView.Tally);
        Assert.Equal(2, residentView.Turnout.ParticipatingOwners);
        Assert.All(await _host.GetOkAsync<ProposalDto[]>(Path(), Resident(3)), p => Assert.True(p.Tally is null || p.Status.WireName() is "passed" or "failed"));
        var committeeView = await _host.GetOkAsync<ProposalDto>(Path(proposal.ProposalId), Committee);
        Assert.Equal((0, 1, 1), (committeeView.Tally!.YesOwners, committeeView.Tally.NoOwners, committeeView.Tally.AbstainOwners));
        Assert.Contains(await _host.GetOkAsync<ProposalDto[]>(Path(), Committee), p => p.ProposalId == proposal.ProposalId);

        var audit = await _host.GetOkAsync<BallotAuditEntryDto[]>(Path($"{proposal.ProposalId}/audit"), Committee);
        Assert.Equal(
            [("H00001", Resident(1), BallotActionDto.Cast, BallotChoiceDto.Yes), ("H00001", Resident(1), BallotActionDto.Change, BallotChoiceDto.No), ("H00002", Resident(2), BallotActionDto.Cast, BallotChoiceDto.Abstain)],
            audit.Select(a => (a.HouseholdId, a.UserId, a.Action, a.Choice)));
        using var residentAudit = await _host.GetAsync(Path($"{proposal.ProposalId}/audit"), Resident(1));
        await ProblemAssert.Expect(residentAudit, HttpStatusCode.Forbidden);
        using var staffAudit = await _host.GetAsync(Path($"{proposal.ProposalId}/audit"), "staff01");
        await ProblemAssert.Expect(staffAudit, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Bad_input_gets_problem_details_and_changes_nothing()
    {
        var proposal = await CreateOk(Request("other"));
        await VoteOk(HttpMethod.Post, proposal.ProposalId, Resident(11), "yes");
        var before = await _host.GetOkAsync<ProposalDto[]>(Path(), Committee);
        var now = _host.Now;

        async Task Expect(HttpMethod method, string path, string? userId, object? body, HttpStatusCode status, string? code, string? field = null, string? token = null)
        {
            using var response = await _host.SendAsync(method, path, userId, body, bearerToken: token);
            await ProblemAssert.Expect(response, status, code, field);
        }

        var good = Request();
        await Expect(HttpMethod.Post, Path(), Committee, good with { Title = " " }, HttpStatusCode.BadRequest, "invalid-request", "title");
        await Expect(HttpMethod.Post, Path(), Committee, good with { ScenarioId = null }, HttpStatusCode.BadRequest, "invalid-request", "scenarioId");
        await Expect(HttpMethod.Post, Path(), Committee, good with { Matter = "roof" }, HttpStatusCode.BadRequest, "invalid-request", "matter");
        await Expect(HttpMethod.Post, Path(), Committee, good with { Matter = "1" }, HttpStatusCode.BadRequest, "invalid-request", "matter");
        await Expect(HttpMethod.Post, Path(), Committee, good with { Opens = null }, HttpStatusCode.BadRequest, "invalid-request", "opens");
        await Expect(HttpMethod.Post, Path(), Committee, good with { Closes = good.Opens }, HttpStatusCode.BadRequest, "period-reversed", "closes");
        await Expect(HttpMethod.Post, Path(), Committee, good with { Opens = now.AddDays(-1) }, HttpStatusCode.BadRequest, "period-in-past", "opens");
        await Expect(HttpMethod.Post, Path(), Committee, good with { Closes = now.AddDays(91) }, HttpStatusCode.BadRequest, "period-too-long", "closes");
        await Expect(HttpMethod.Post, Path(), Committee, good with { ScenarioVersion = 0 }, HttpStatusCode.BadRequest, "invalid-request", "scenarioVersion");
        await Expect(HttpMethod.Post, Path(), Committee, null, HttpStatusCode.BadRequest, null);
        await Expect(HttpMethod.Post, Path(), Resident(12), good, HttpStatusCode.Forbidden, "forbidden");
        await Expect(HttpMethod.Post, Path(), "staff01", good, HttpStatusCode.Forbidden, "forbidden");

        await Expect(HttpMethod.Post, Path($"{proposal.ProposalId}/ballot"), Resident(12), new BallotRequest("maybe"), HttpStatusCode.BadRequest, "invalid-request", "choice");
        await Expect(HttpMethod.Put, Path($"{proposal.ProposalId}/ballot"), Resident(11), new BallotRequest(null), HttpStatusCode.BadRequest, "invalid-request", "choice");
        await Expect(HttpMethod.Put, Path($"{proposal.ProposalId}/ballot"), Resident(12), new BallotRequest("yes"), HttpStatusCode.Conflict, "not-voted");
        await Expect(HttpMethod.Post, Path("p999/ballot"), Resident(12), new BallotRequest("yes"), HttpStatusCode.NotFound, "proposal-not-found");
        await Expect(HttpMethod.Get, Path("p999"), Resident(12), null, HttpStatusCode.NotFound, "proposal-not-found");
        await Expect(HttpMethod.Post, Path($"{proposal.ProposalId}/ballot"), Committee, new BallotRequest("yes"), HttpStatusCode.Forbidden, "forbidden");

        // A resident's token without a household may not vote.
        var issuer = _host.Factory.Services.GetRequiredService<DevTokenIssuer>();
        var homeless = issuer.Issue(new CompoundUser(ParkingHost.Compound, "r09999", "Lodger", UserRole.Resident, null, null, [])).Token;
        await Expect(HttpMethod.Post, Path($"{proposal.ProposalId}/ballot"), null, new BallotRequest("yes"), HttpStatusCode.Forbidden, "forbidden", token: homeless);
        await Expect(HttpMethod.Get, Path($"{proposal.ProposalId}/ballot"), null, null, HttpStatusCode.Forbidden, "forbidden", token: homeless);

        var after = await _host.GetOkAsync<ProposalDto[]>(Path(), Committee);
        Assert.Equal(before.Select(p => (p.ProposalId, p.Version)), after.Select(p => (p.ProposalId, p.Version)));
        var audit = await _host.GetOkAsync<BallotAuditEntryDto[]>(Path($"{proposal.ProposalId}/audit"), Committee);
        Assert.Equal([(Resident(11), BallotChoiceDto.Yes)], audit.Select(a => (a.UserId, a.Choice)));
    }

    [Fact]
    public async Task Watchers_see_turnout_move_live_and_the_timer_closes_the_vote_and_pushes_the_result()
    {
        var proposal = await CreateOk(Request("other", TimeSpan.FromHours(2)));
        await using var resident = await _host.ConnectHubAsync(Resident(40));
        var residentPushes = VotePushes.On(resident);
        await using var committee = await _host.ConnectHubAsync(Committee);
        var committeePushes = VotePushes.On(committee);

        var residentStart = await resident.Connection.InvokeAsync<ProposalDto>(ParkingHub.WatchProposal, ParkingHost.Compound, proposal.ProposalId);
        var committeeStart = await committee.Connection.InvokeAsync<ProposalDto>(ParkingHub.WatchProposal, ParkingHost.Compound, proposal.ProposalId);
        Assert.Null(residentStart.Tally);
        Assert.NotNull(committeeStart.Tally);

        // The 40 largest of 60 households (exactly two thirds by number, more by area) take part; the 21 largest
        // say yes: more than half of the participants and of their area. Household H000nn is resident r000nn's.
        var largest = DemoCompoundGenerator.Generate(DemoCompoundSize.Small).Households
            .OrderByDescending(h => h.ExclusiveAreaSquareMeters)
            .Select(h => int.Parse(h.Id[1..], CultureInfo.InvariantCulture))
            .Take(40)
            .ToList();
        for (var i = 0; i < largest.Count; i++)
        {
            await VoteOk(HttpMethod.Post, proposal.ProposalId, Resident(largest[i]), i < 21 ? "yes" : "no");
        }

        var seen = await residentPushes.WaitFor(p => p.ProposalId == proposal.ProposalId && p.Turnout.ParticipatingOwners == 40, "the resident sees turnout reach 40 households");
        Assert.True(seen.Turnout.QuorumMet);
        Assert.Null(seen.Tally);
        var tallied = await committeePushes.WaitFor(p => p.ProposalId == proposal.ProposalId && p.Turnout.ParticipatingOwners == 40, "the committee sees turnout and tallies");
        Assert.Equal((21, 19), (tallied.Tally!.YesOwners, tallied.Tally.NoOwners));
        Assert.DoesNotContain(residentPushes.Received(), p => p.Tally is not null);

        // No request touches the proposal: the timer on the domain clock closes it and pushes the result.
        _host.Time.Advance(TimeSpan.FromHours(2));
        var closed = await residentPushes.WaitFor(p => p.ProposalId == proposal.ProposalId && p.Status.WireName() != "open", "the resident hears the vote closed");
        Assert.Equal(("passed", (string?)null), (closed.Status.WireName(), closed.Failure));
        Assert.Equal(21, closed.Tally?.YesOwners);

        using var late = await Vote(HttpMethod.Post, proposal.ProposalId, Resident(Enumerable.Range(1, 60).Except(largest).First()), "no");
        await ProblemAssert.Expect(late, HttpStatusCode.Conflict, "voting-closed");
        using var lateChange = await Vote(HttpMethod.Put, proposal.ProposalId, Resident(largest[0]), "no");
        await ProblemAssert.Expect(lateChange, HttpStatusCode.Conflict, "voting-closed");
        var final = await _host.GetOkAsync<ProposalDto>(Path(proposal.ProposalId), Resident(5));
        Assert.Equal(("passed", 21, 40), (final.Status.WireName(), final.Tally?.YesOwners, final.Turnout.ParticipatingOwners));
    }

    [Fact]
    public async Task Only_the_compound_may_watch_its_proposals()
    {
        await using var resident = await _host.ConnectHubAsync(Resident(7));

        var unknown = await Assert.ThrowsAsync<HubException>(() => resident.Connection.InvokeAsync<ProposalDto>(ParkingHub.WatchProposal, ParkingHost.Compound, "p999"));
        var foreign = await Assert.ThrowsAsync<HubException>(() => resident.Connection.InvokeAsync<ProposalDto>(ParkingHub.WatchProposal, "other-compound", "p1"));

        Assert.Contains("Not found", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("Forbidden", foreign.Message, StringComparison.Ordinal);
    }
}
