using Parking.Api.Endpoints;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Voting;
using Parking.Grains;
using Parking.Grains.Voting;

namespace Parking.Silo;

public static class DemoProposalHosting
{
    public static WebApplicationBuilder AddDemoProposal(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<DemoProposalSeeder>();
        return builder;
    }
}

/// <summary>
/// Puts one open proposal (id <c>demo</c>: convert common spaces to EV spaces, open for 14 days) to the demo
/// compound's owners and casts ballots for about a third of the households (at most <see cref="MaxBallots"/>),
/// so the voting pages show live turnout. The first <see cref="LeftToVote"/> households are left to vote
/// themselves (demo residents r00001 ... live there). A compound that has the proposal already is left alone.
/// </summary>
public sealed partial class DemoProposalSeeder(
    IGrainFactory grains,
    DemoCompoundInfo demo,
    DemoSeedingSilo seeding,
    SeedOptions options,
    ParkingClock time,
    ILogger<DemoProposalSeeder> logger) : IHostedService
{
    public const string ProposalId = "demo";
    private const int MaxBallots = 400;
    private const int LeftToVote = 20;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!demo.Seeded || !options.Proposal || !seeding.Seeds)
        {
            return;
        }

        var now = time.GetUtcNow();
        var draft = new ProposalDraft(
            "Convert 12 common spaces to EV charging spaces / 将12个公共车位改为充电车位",
            "Common spaces in the underground garage become EV spaces with chargers, shared in turn by all households. 地库公共车位改建为充电车位，全体业主轮流共享。",
            "demo-ev-conversion",
            1,
            VoteMatter.CommonPartsUse,
            now,
            now.AddDays(14));
        var created = await grains.Proposals(demo.CompoundId).CreateAs(ProposalId, draft, "committee01");
        if (!created.IsSuccess)
        {
            LogNotSeeded(demo.CompoundId, created.Error!.Code);
            return;
        }

        var users = await grains.Compound(demo.CompoundId).GetUsers(UserRole.Resident, int.MaxValue);
        var voters = users
            .Where(u => u.HouseholdId is not null)
            .GroupBy(u => u.HouseholdId!, StringComparer.Ordinal)
            .Select(g => new Voter(g.First().UserId, g.Key))
            .Skip(LeftToVote)
            .ToList();
        // Separate generators: who votes, and how, are not drawn from one sequence.
        var turnout = new Random(278);
        var choices = new Random(2020);
        var proposal = grains.Proposal(demo.CompoundId, ProposalId);
        var cast = 0;
        foreach (var voter in voters.Where(_ => turnout.NextDouble() < 0.35).Take(MaxBallots))
        {
            var roll = choices.NextDouble();
            var choice = roll < 0.7 ? BallotChoice.Yes : roll < 0.9 ? BallotChoice.No : BallotChoice.Abstain;
            if ((await proposal.Cast(voter, choice)).IsSuccess)
            {
                cast++;
            }
        }

        LogSeeded(demo.CompoundId, ProposalId, cast, created.Value!.Result.Tally.TotalOwners);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo proposal {ProposalId} of {CompoundId}: {Ballots} ballots cast of {Households} households")]
    private partial void LogSeeded(string compoundId, string proposalId, int ballots, int households);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo proposal of {CompoundId} not seeded: {Code}")]
    private partial void LogNotSeeded(string compoundId, string code);
}
