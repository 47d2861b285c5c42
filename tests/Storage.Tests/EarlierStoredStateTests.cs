using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Rounds;
using Parking.Grains;
using Parking.Grains.Rounds;
using Xunit;

namespace Parking.Storage.Tests;

/// <summary>
/// State an earlier build wrote to PostgreSQL loads in today's build. The round grain's state is written in the
/// layout builds before the <see cref="RoundBook"/> used (<see cref="RoundStateV1"/>: the same field ids and
/// types), straight into the grain's row, and then the grain is activated on a real cluster and asked.
/// </summary>
[Collection(PostgresCollection.Name)]
public class EarlierStoredStateTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_round_stored_in_the_earlier_layout_loads_and_is_written_back_in_todays()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        await using var cluster = await PostgresCluster.StartAsync(connectionString, "rounds-" + Guid.NewGuid().ToString("N")[..8]);
        var storage = cluster.Services().GetRequiredKeyedService<IGrainStorage>(GrainKeys.StorageName);
        var now = DateTimeOffset.UtcNow;
        var ask = new RoundAsk([new TimeWindow(now.AddDays(1), now.AddDays(1).AddHours(2))], SpaceKind.Standard, null, null);
        var rounds = cluster.Client.GetGrain<IRoundGrain>("old-layout");
        var earlier = new RoundStateV1
        {
            Round = 5,
            Requests = [new RoundEntry("r5-12", 5, new RoundAsker("ann", "H1", null), ask, now, RoundEntryOrigin.Round)],
            Weights = new Dictionary<string, double>(StringComparer.Ordinal) { ["H1"] = 1.25 },
            Waitlist = [new RoundEntry("w11", 0, new RoundAsker("bob", "H2", null), ask, now, RoundEntryOrigin.Direct)],
            NextId = 12,
        };
        await storage.WriteStateAsync("rounds", rounds.GetGrainId(), new GrainState<RoundStateV1>(earlier));

        var open = await rounds.GetOpenRound();
        var weights = await rounds.GetHouseholdWeights();
        var joined = await rounds.Submit(new RoundAsker("cy", "H3", null), ask, 5);

        Assert.Equal(5, open.Round);
        Assert.Equal("r5-12", Assert.Single(open.Requests).Id);
        Assert.Equal(1.25, weights["H1"]);
        Assert.True(joined.IsSuccess, joined.Error?.Message);
        Assert.Equal("r5-13", joined.Value!.Id);
        var stored = new GrainState<RoundState>();
        await storage.ReadStateAsync("rounds", rounds.GetGrainId(), stored);
        Assert.Equal(2, stored.State!.Book.Requests.Count);
        Assert.Equal("w11", Assert.Single(stored.State.Book.Waitlist).Id);
    }
}
