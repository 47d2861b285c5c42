using System.Net;
using System.Net.Http.Json;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Layout;
using Parking.Domain.Rebalancing;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Api.Tests.Rebalancing;

/// <summary>Rebalancing proposals over HTTP: staff ask, edit, accept and reject; the committee reads; residents may not.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class RebalancingApiTests(SharedHostFixture fixture)
{
    private static readonly CompoundLayout Layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);
    private static readonly string ProposalsPath = ParkingHost.CompoundPath("rebalancing/proposals");
    private static readonly RebalancingRequestDto Quick = new(MaxSpaceChanges: 4, MaxNewChargers: 1, Demand: new RebalancingDemandDto("synthetic", CarsPerHousehold: 1.5), Days: 1, TimeLimitSeconds: 2);
    private readonly ParkingHost _host = fixture.Host;

    private async Task<RebalancingSuggestionDto> Ready(RebalancingRequestDto body)
    {
        using var response = await _host.SendAsync(HttpMethod.Post, ProposalsPath, "staff01", body);
        await ParkingHost.Expect(response, HttpStatusCode.Accepted);
        var started = (await response.Content.ReadFromJsonAsync<RebalancingSuggestionDto>(ParkingHost.Json))!;
        Assert.Equal("running", started.Status.WireName());
        Assert.EndsWith($"/rebalancing/proposals/{started.Id}", response.Headers.Location!.ToString(), StringComparison.Ordinal);

        // Bounded wait: the solve has a 2 s limit; a loaded machine may take longer to reach it.
        for (var i = 0; i < 600; i++)
        {
            var proposal = await _host.GetOkAsync<RebalancingSuggestionDto>($"{ProposalsPath}/{started.Id}", "committee01");
            if (proposal.Status.WireName() != "running")
            {
                return proposal;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Proposal {started.Id} still running after a minute.");
    }

    [Fact]
    public async Task Staff_ask_the_committee_reads_and_an_accepted_proposal_is_a_scenario()
    {
        var fixedId = Layout.Lots.SelectMany(l => l.Spaces).First(s => s.Kind == SpaceKind.Visitor).SpaceId;
        var proposal = await Ready(Quick with { FixedSpaceIds = [fixedId] });

        Assert.Equal("ready", proposal.Status.WireName());
        Assert.Equal([fixedId], proposal.Request.FixedSpaceIds);
        Assert.True(proposal.Changes.Spaces!.Count <= 4);
        Assert.DoesNotContain(proposal.Changes.Spaces!, c => c.SpaceId == fixedId);
        Assert.Equal([RebalancingNeedKindDto.Standard, RebalancingNeedKindDto.Charging, RebalancingNeedKindDto.Accessible, RebalancingNeedKindDto.Visitor], proposal.Today!.Needs.Select(n => n.Need));
        Assert.Contains(await _host.GetOkAsync<RebalancingSuggestionDto[]>(ProposalsPath, "committee02"), p => p.Id == proposal.Id);

        using var accept = await _host.SendAsync(HttpMethod.Post, $"{ProposalsPath}/{proposal.Id}/accept", "staff02", new RebalancingAcceptDto("Rebalanced garage"));
        await ParkingHost.Expect(accept, HttpStatusCode.OK);
        var accepted = (await accept.Content.ReadFromJsonAsync<RebalancingAcceptedDto>(ParkingHost.Json))!;
        Assert.Equal(proposal.Id, accepted.SuggestionId);
        var scenario = await _host.GetOkAsync<ScenarioDto>(ParkingHost.CompoundPath($"scenarios/{accepted.ScenarioId}"), "committee01");
        Assert.Equal(($"rebalancing:{proposal.Id}", "Rebalanced garage", "staff02"), (scenario.Summary.Origin, scenario.Summary.Name, scenario.Summary.CreatedBy));
        Assert.Equal(proposal.Changes.Spaces!.Select(s => s.SpaceId), scenario.Versions[0].Changes.Spaces!.Select(s => s.SpaceId));

        var after = await _host.GetOkAsync<RebalancingSuggestionDto>($"{ProposalsPath}/{proposal.Id}", "staff01");
        Assert.Equal(("accepted", accepted.ScenarioId), (after.Status.WireName(), after.ScenarioId));
        using var twice = await _host.SendAsync(HttpMethod.Post, $"{ProposalsPath}/{proposal.Id}/reject", "staff01", new RebalancingRejectDto("late"));
        await ProblemAssert.Expect(twice, HttpStatusCode.Conflict, "proposal-not-ready");
    }

    [Fact]
    public async Task Residents_and_the_committee_may_not_write_and_residents_may_not_read()
    {
        using (var resident = await _host.SendAsync(HttpMethod.Post, ProposalsPath, "r00001", Quick))
        {
            Assert.Equal(HttpStatusCode.Forbidden, resident.StatusCode);
        }

        using (var committee = await _host.SendAsync(HttpMethod.Post, ProposalsPath, "committee01", Quick))
        {
            Assert.Equal(HttpStatusCode.Forbidden, committee.StatusCode);
        }

        using var read = await _host.GetAsync(ProposalsPath, "r00001");
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "unknown-fixed", "fixedSpaceIds[0]", "unknown-space" },
        { "bad-kind", "kindsNotToTouch[0]", "invalid-request" },
        { "budget", "maxSpaceChanges", "out-of-range" },
        { "source", "demand.source", "invalid-request" },
        { "days", "days", "out-of-range" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_ask_is_a_problem_naming_the_field_and_starts_nothing(string which, string field, string code)
    {
        var body = which switch
        {
            "unknown-fixed" => Quick with { FixedSpaceIds = ["no-such-space"] },
            "bad-kind" => Quick with { KindsNotToTouch = ["hovercraft"] },
            "budget" => Quick with { MaxSpaceChanges = 100_000 },
            "source" => Quick with { Demand = new RebalancingDemandDto("rumour") },
            _ => Quick with { Days = 0 },
        };
        var before = (await _host.GetOkAsync<RebalancingSuggestionDto[]>(ProposalsPath, "staff01")).Length;

        using var response = await _host.SendAsync(HttpMethod.Post, ProposalsPath, "staff01", body);

        await ProblemAssert.Expect(response, HttpStatusCode.BadRequest, code, field);
        Assert.Equal(before, (await _host.GetOkAsync<RebalancingSuggestionDto[]>(ProposalsPath, "staff01")).Length);
    }

    [Fact]
    public async Task Staff_edit_drops_changes_and_reject_needs_a_reason()
    {
        var proposal = await Ready(Quick with { ConsiderSharing = false });

        using (var fixedEdit = await _host.SendAsync(HttpMethod.Put, $"{ProposalsPath}/{proposal.Id}", "staff01",
            new RebalancingEditDto(new ScenarioChangesDto([new ScenarioSpaceChangeDto("no-such-space", Kind: "visitor")]))))
        {
            await ProblemAssert.Expect(fixedEdit, HttpStatusCode.BadRequest, "unknown-space", "changes.spaces[0].spaceId");
        }

        using (var edit = await _host.SendAsync(HttpMethod.Put, $"{ProposalsPath}/{proposal.Id}", "staff02", new RebalancingEditDto(new ScenarioChangesDto())))
        {
            await ParkingHost.Expect(edit, HttpStatusCode.OK);
            var edited = (await edit.Content.ReadFromJsonAsync<RebalancingSuggestionDto>(ParkingHost.Json))!;
            Assert.Empty(edited.Changes.Spaces!);
            Assert.Equal("staff02", edited.EditedBy);
            Assert.Equal(proposal.Today!.Needs.Select(n => Math.Round(n.ServedPerWeek)), edited.Proposed!.Needs.Select(n => Math.Round(n.ServedPerWeek)));
        }

        using (var committee = await _host.SendAsync(HttpMethod.Post, $"{ProposalsPath}/{proposal.Id}/reject", "committee01", new RebalancingRejectDto("no")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, committee.StatusCode);
        }

        using (var noReason = await _host.SendAsync(HttpMethod.Post, $"{ProposalsPath}/{proposal.Id}/reject", "staff01", new RebalancingRejectDto(null)))
        {
            await ProblemAssert.Expect(noReason, HttpStatusCode.BadRequest, "invalid-reason", "reason");
        }

        using var reject = await _host.SendAsync(HttpMethod.Post, $"{ProposalsPath}/{proposal.Id}/reject", "staff01", new RebalancingRejectDto("Budget goes to chargers"));
        await ParkingHost.Expect(reject, HttpStatusCode.OK);
        var rejected = (await reject.Content.ReadFromJsonAsync<RebalancingSuggestionDto>(ParkingHost.Json))!;
        Assert.Equal(("rejected", "Budget goes to chargers"), (rejected.Status.WireName(), rejected.RejectReason));
    }
}
