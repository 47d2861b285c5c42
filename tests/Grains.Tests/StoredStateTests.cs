using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Rounds;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// Domain objects keep their state in private fields and show it read-only; storage must still carry every
/// field. Each is written and read back through the cluster's own serializer, as grain storage does.
/// </summary>
[Collection(ClusterCollection.Name)]
public class StoredStateTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private T RoundTrip<T>(T value)
    {
        var serializer = fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>();
        return serializer.Deserialize<T>(serializer.SerializeToArray(value))!;
    }

    /// <summary>Records holding lists compare those by reference: compare what they hold instead.</summary>
    private static string Json<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value);

    [Fact]
    public void A_round_book_keeps_its_number_lists_weights_and_counter()
    {
        var rounds = new RoundPolicy();
        var reservations = new ReservationPolicy();
        var ask = new RoundAsk([new TimeWindow(Now.AddHours(2), Now.AddHours(4))], SpaceKind.Standard, "B1", "沪A12345");
        var book = new RoundBook();
        var ran = book.Submit(new RoundAsker("ann", "H1", "B1"), ask, null, rounds, reservations, Now).Value!;
        book.Close([ran], [ran], new Dictionary<string, double> { ["H1"] = 2 });
        book.Submit(new RoundAsker("bob", "H2", null), ask, 2, rounds, reservations, Now);

        var read = RoundTrip(book);

        Assert.Equal(book.Round, read.Round);
        Assert.Equal(Json(book.Requests), Json(read.Requests));
        Assert.Equal(Json(book.Waitlist), Json(read.Waitlist));
        Assert.Single(read.Waitlist);
        Assert.Equal(book.Weights, read.Weights);
        var next = new RoundAsker("cy", "H3", null);
        Assert.Equal(book.Submit(next, ask, null, rounds, reservations, Now).Value!.Id, read.Submit(next, ask, null, rounds, reservations, Now).Value!.Id);
    }
}
