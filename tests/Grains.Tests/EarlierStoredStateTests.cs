using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using Parking.Domain.Charging;
using Parking.Domain.Credits;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// State stored before the credit ledger and the charging area's book kept their collections private loads as their
/// snapshots. The bytes below are what the earlier build's serializer wrote for a ledger (H1 booked and was refunded
/// a private space of H9, H2 paid the compound; three chunks archived) and for a book (one area, two chargers, one
/// request, a staff override of the site capacity), taken from that build.
/// </summary>
[Collection(ClusterCollection.Name)]
public class EarlierStoredStateTests(ClusterFixture fixture)
{
    private const string EarlierLedger =
        "ICAwATEs1C4dU3RyaW5nQ29tcGFyZXIAAwEB4AEJQRlob3VzZWhvbGQ6SDEAUUARY29tcG91bmQAh0AZaG91c2Vob2xkOkg5AAFA" +
        "GWhvdXNlaG9sZDpIMgA54CEACyEABSGAAMDFxTdJ3wiBAAAAAAAAAADgCQMBwRPBDwFRwQHo4CAACSGAAMDFxTdJ3wiBAAAAAAAA" +
        "AADgCQMFwQ/BFwERQU9HMS0wMDcuMTExMTExMTEyMjIyMzMzMzQ0NDQ1NTU1NTU1NTU1NTXo4CAADSGAAMDFxTdJ3wiBAAAAAAAA" +
        "AADgCQMBwRPBGwFRwQHo4CAAESGAAMDFxTdJ3wiBAAAAAAAAAADgCQMFwRvBEwEZQRFHMS0wMDgteOjgIAAVIYAAwMXFN0nfCIEA" +
        "AAAAAAAAAOAJAwnBF8EPARHBSejg4CE4AwADAQHgAQXBSSDAD8EXAREBESGAAPgS61BJ3wiBAAAAAAAAAADg6ODAcSDAG8ETARkB" +
        "ASGAAPgS61BJ3wiBAAAAAAAAAADg6ODgARkBDSE4AwADAQHgAQNBDUcxLTAwNyAABQERAQUBEejg4OA=";

    private const string EarlierBook =
        "ICBACUNBLTFBCUFyZWFBBUcxgQAAAAAAACxAMQHxJz1srVJlYWRPbmx5TGlzdEludGVyZmFjZUNvZGVjYDFbW1BhcmtpbmcuRG9t" +
        "YWluLkxheW91dC5DaGFyZ2VyRGVmaW5pdGlvbixQYXJraW5nLkRvbWFpbl1dAAUhQAdDLTFBDUcxLTAwMYEAAAAAAAAcQOgLAwEp" +
        "NeDgIEAHQy0yQQ1HMS0wMDKBAAAAAAAAJkDoCwMByTUd4ODoxQHggQAAAAAAAChAIQADIUBLQ0EtMS42NjY2NjY2NjIyMjIzMzMz" +
        "NDQ0NDU1NTU1NTU1NTU1NUEFYzHBB0EFcjFBB1AtMYEAAAAAAAAkQCEggAAoiidASd8IgQAAAAAAAAAA4CGAAMibrmFJ3wiBAAAA" +
        "AAAAAADg6OABAyGAAMDFxTdJ3wiBAAAAAAAAAADgCQMBwQHBAcEBgQAAAAAAAAAAAQHBAQEF6McjAeDgITABMSzULh1TdHJpbmdD" +
        "b21wYXJlcgADAQHgAQXBFSDAFcEXgQAAAAAAABxACQMBgQAAAAAAAAAAgQAAAAAAAAAAwQHo4MAhIMAhwSOBAAAAAAAAJkAJAwGB" +
        "AAAAAAAAAACBAAAAAAAAAADBAejg4MEBAQnBN+A=";

    private T Read<T>(string base64) =>
        fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>().Deserialize<T>(Convert.FromBase64String(base64))!;

    [Fact]
    public void A_ledger_stored_by_the_earlier_build_loads_with_its_balances_journal_charges_and_earnings()
    {
        var ledger = CreditLedger.Restore(Read<CreditLedgerSnapshot>(EarlierLedger));

        Assert.Equal(20, ledger.BalanceOf(Accounts.Household("H1")));
        Assert.Equal(0, ledger.BalanceOf(Accounts.Household("H9")));
        Assert.Equal(14, ledger.BalanceOf(Accounts.Household("H2")));
        Assert.Equal(0, ledger.Total);
        Assert.Equal(5, ledger.Journal.Count);
        Assert.Equal(6, ledger.NextId);
        Assert.Equal(3, ledger.ArchivedChunks);
        Assert.Equal(2, ledger.Charges.Count);
        Assert.Equal(new SpaceEarnings(1, 4, 1, 4), ledger.EarningsOf("G1-007"));
    }

    [Fact]
    public async Task The_ledger_stored_by_the_earlier_build_is_taken_over_by_the_households_and_the_settlement()
    {
        // The earlier build's bytes, stored where its compound-wide ledger grain kept them, for a compound of this test alone.
        const string compound = "earlier-ledger";
        var snapshot = Read<CreditLedgerSnapshot>(EarlierLedger);
        var storage = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(GrainKeys.StorageName);
        await storage.WriteStateAsync("credit-ledger", fixture.Grains.Ledger(compound).GetGrainId(), new GrainState<CreditLedgerSnapshot>(snapshot));

        var h1 = await fixture.Grains.HouseholdLedger(compound, "H1").GetAccount(10);
        Assert.Equal(20, h1.Balance);
        Assert.Equal(snapshot.Journal.Where(t => t.Touches(h1.Account)).Select(t => t.Id).Reverse(), h1.Transactions.Select(t => t.Id));
        Assert.Equal(14, (await fixture.Grains.HouseholdLedger(compound, "H2").GetAccount(10)).Balance);
        Assert.Equal(new SpaceEarnings(1, 4, 1, 4), (await fixture.Grains.HouseholdLedger(compound, "H9").GetSpaceEarnings(["G1-007"]))["G1-007"]);

        var summary = await fixture.Grains.LedgerSummary(compound, 10);
        Assert.Equal(0, summary.Total);
        Assert.Equal(snapshot.Balances[Accounts.Compound], summary.CompoundBalance);
        Assert.Equal(5, summary.Transactions);

        // A charge the earlier build took is refunded by its payer's household, and the settlement hears of it.
        var (reservationId, charge) = snapshot.Charges.Single(c => c.Value.Refunded == 0);
        Assert.Equal(charge.Payer, await fixture.Grains.Ledger(compound).PayerOf(reservationId));
        Assert.True(Accounts.TryHouseholdOf(charge.Payer, out var payer));
        var refund = await fixture.Grains.HouseholdLedger(compound, payer).Refund(reservationId);
        Assert.Equal(charge.Amount, refund?.Amount);
        Assert.Equal(0, await fixture.Grains.HouseholdLedger(compound, payer).DeliverNow());
        var refunded = await fixture.Grains.LedgerSummary(compound, 10);
        Assert.Equal(0, refunded.Total);
        Assert.Equal(6, refunded.Transactions);
    }

    [Fact]
    public void A_charging_area_stored_by_the_earlier_build_loads_with_its_chargers_requests_and_override()
    {
        var book = ChargingAreaBook.Restore(Read<ChargingAreaSnapshot>(EarlierBook), "c1");

        Assert.Equal("CA-1", book.Definition!.AreaId);
        Assert.Equal(12, book.SiteCapacityKw);
        Assert.Equal(["C-1", "C-2"], book.Chargers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("CA-1.66666666222233334444555555555555", Assert.Single(book.Requests).Id);
        Assert.Equal(2, book.Version);
        Assert.Equal("c1", book.CompoundId);
    }
}
