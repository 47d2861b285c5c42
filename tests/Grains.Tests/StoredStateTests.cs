using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Credits;
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

    [Fact]
    public void A_credit_ledger_keeps_its_balances_journal_charges_counters_and_earnings()
    {
        var ledger = new CreditLedger();
        var window = new TimeWindow(Now.AddHours(1), Now.AddHours(2));
        for (var i = 0; i < 3; i++)
        {
            ledger.Charge(Reservation.NewId("G1-007", Guid.NewGuid()), Accounts.Household("H1"), Accounts.Household("H9"), 2, window, 100, Now);
        }

        ledger.Archived(ledger.NextChunk(2)!);

        var read = RoundTrip(ledger);

        Assert.Equal(Json(ledger.Balances), Json(read.Balances));
        Assert.Equal(ledger.Journal, read.Journal);
        Assert.Equal(Json(ledger.Charges), Json(read.Charges));
        Assert.Equal((ledger.NextId, ledger.ArchivedChunks), (read.NextId, read.ArchivedChunks));
        Assert.Equal(ledger.EarningsOf("G1-007"), read.EarningsOf("G1-007"));
        Assert.Equal(3, read.EarningsOf("G1-007").Bookings);
    }

    [Fact]
    public void A_charging_area_book_keeps_its_compound()
    {
        var book = new ChargingAreaBook();
        book.BelongsTo("c1");

        Assert.Equal("c1", RoundTrip(book).CompoundId);
    }
}
