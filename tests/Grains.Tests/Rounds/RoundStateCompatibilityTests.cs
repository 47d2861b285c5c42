using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Rounds;
using Parking.Domain.Sharing;
using Parking.Planning.Sharing;
using Parking.Grains.Rounds;
using Xunit;

namespace Parking.Grains.Tests.Rounds;

/// <summary>
/// The round grain's state changed layout (the rounds and waitlist moved into a <see cref="RoundBook"/>); state an
/// earlier build stored in PostgreSQL must still load. The earlier layout's bytes are written from
/// <see cref="RoundStateV1"/>, whose field ids and types are those of that build's <c>RoundState</c>, and read
/// through the storage serializer PostgreSQL storage is given.
/// </summary>
[Collection(ClusterCollection.Name)]
public class RoundStateCompatibilityTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private Serializer Serializer => fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>();

    private static RoundEntry Entry(string id, int round, string resident) => new(
        id, round, new RoundAsker(resident, "H-" + resident, "B1"),
        new RoundAsk([new TimeWindow(Now.AddHours(2), Now.AddHours(4))], SpaceKind.Standard, "B1", null), Now, round == 0 ? RoundEntryOrigin.Direct : RoundEntryOrigin.Round);

    private static RoundReport Report() => new(
        "c1", 3, Now, "staff", RoundSolveStatus.Optimal, new SharingMetrics(4, 3, 8, 6, 20, 0.3, 55, 3, 2, 0.9, 0.5), 3, 6, TimeSpan.FromSeconds(1.5),
        [new RoundRequestResult(Entry("r3-7", 3, "ann"), RoundRequestStatus.Served, "S1", "L1", 40, ["res-1"], null)]);

    [Fact]
    public void A_round_stored_in_the_earlier_layout_loads_with_its_number_lists_weights_counter_and_report()
    {
        var earlier = new RoundStateV1
        {
            Round = 4,
            Requests = [Entry("r4-9", 4, "bob")],
            Last = Report(),
            Weights = new Dictionary<string, double>(StringComparer.Ordinal) { ["H-ann"] = 1.5 },
            Waitlist = [Entry("w8", 0, "cy")],
            NextId = 9,
        };
        var stored = new OrleansGrainStorageSerializer(Serializer).Serialize(earlier);

        var read = new StoredStateSerializer(Serializer).Deserialize<RoundState>(stored)!;

        Assert.Equal(4, read.Book.Round);
        Assert.Equal("r4-9", Assert.Single(read.Book.Requests).Id);
        Assert.Equal("w8", Assert.Single(read.Book.Waitlist).Id);
        Assert.Equal(1.5, read.Book.Weights["H-ann"]);
        Assert.Equal(3, read.Last!.Round);
        Assert.Equal(0.9, read.Last.Metrics.JainIndex);
        Assert.Equal("S1", Assert.Single(read.Last.Results).SpaceId);
        var next = read.Book.Submit(new RoundAsker("dee", "H-dee", null), Entry("x", 4, "dee").Ask, 4, new RoundPolicy(), new ReservationPolicy(), Now);
        Assert.Equal("r4-10", next.Value!.Id);
    }

    [Fact]
    public void A_round_stored_in_todays_layout_still_loads()
    {
        var book = RoundBook.Restore(2, [Entry("r2-1", 2, "ann")], [], new Dictionary<string, double>(StringComparer.Ordinal), 1);
        var stored = new StoredStateSerializer(Serializer).Serialize(RoundState.Restore(book, Report()));

        var read = new StoredStateSerializer(Serializer).Deserialize<RoundState>(stored)!;

        Assert.Equal(2, read.Book.Round);
        Assert.Equal("r2-1", Assert.Single(read.Book.Requests).Id);
        Assert.Equal("c1", read.Last!.CompoundId);
    }
}
