using Orleans.Core.Internal;
using Parking.Domain;
using Parking.Domain.Credits;
using Xunit;

namespace Parking.Grains.Tests.Credits;

/// <summary>
/// The ledger sharded by household, under concurrent load: many bookings at once per household (committed in groups),
/// households paying each other in both directions at the same time (no deadlock), then every activation dropped and
/// reloaded. No credit is made or lost, no household spends more than it has, and what callers were told is what
/// storage holds.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LedgerGroupCommitTests(ClusterFixture fixture)
{
    private static readonly TimeWindow Window = new(ClusterFixture.Clock.GetUtcNow().AddDays(3), ClusterFixture.Clock.GetUtcNow().AddDays(3).AddHours(1));

    [Fact]
    public async Task Concurrent_charges_never_overspend_and_survive_a_reload()
    {
        // A compound id no other test uses, so its balances are this test's alone.
        const string compound = "ledger-group-commit";
        var households = Enumerable.Range(0, 8).Select(i => $"h{i}").ToList();
        var ledgers = households.Select(h => fixture.Grains.HouseholdLedger(compound, h)).ToList();

        // Every household pays each other household 1 credit for a private space, all at once and both ways: the sums even out.
        var transfers = await Task.WhenAll(households.SelectMany(payer => households.Where(payee => payee != payer).Select(payee =>
            fixture.Grains.HouseholdLedger(compound, payer).Charge($"Q-{payee}.{payer}", Accounts.Household(payee), 1, Window, LedgerKind.Booking))));
        Assert.All(transfers, t => Assert.True(t.IsSuccess));


        // 8 households × 30 bookings of 7 credits, all at once: each household's grant (100) pays for 14 of them.
        var bookings = households.SelectMany(h => Enumerable.Range(0, 30).Select(n => (Household: h, Id: $"P-{h}.r{n}"))).ToList();
        var outcomes = await Task.WhenAll(bookings.Select(b =>
            fixture.Grains.HouseholdLedger(compound, b.Household).Charge(b.Id, Accounts.Compound, 7, Window, LedgerKind.Booking)));

        var accepted = outcomes.Count(o => o.IsSuccess);
        Assert.Equal(8 * (100 / 7), accepted);
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal("insufficient-credits", o.Error!.Code));
        Assert.All(await Task.WhenAll(ledgers.Select(l => l.GetAccount(1))), s => Assert.Equal(100 - (7 * 14), s.Balance));

        var before = await Task.WhenAll(ledgers.Select(l => l.GetAccount(100)));
        Assert.All(before, s => Assert.Equal(100 - (7 * 14), s.Balance));

        // The bookings were answered before the shards stored their legs; every leg is still in a stored outbox until then.
        Assert.All(await Task.WhenAll(ledgers.Select(l => l.DeliverNow())), left => Assert.Equal(0, left));
        var summary = await fixture.Grains.LedgerSummary(compound, 10);
        Assert.Equal(0, summary.Total);
        Assert.Equal(-800, summary.CompoundBalance - (8 * 14 * 7));
        Assert.Equal(8 + (8 * 14) + (8 * 7), summary.Transactions);

        // Drop every activation: the next calls read what storage holds.
        foreach (var grain in ledgers.Cast<IAddressable>().Concat(Enumerable.Range(0, GrainKeys.SettlementShards).Select(s => fixture.Grains.SettlementShard(compound, s))))
        {
            await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        }

        var after = await Task.WhenAll(ledgers.Select(l => l.GetAccount(100)));
        Assert.Equal(before.Select(s => s.Balance), after.Select(s => s.Balance));
        Assert.Equal(before.Select(s => s.Transactions.Count), after.Select(s => s.Transactions.Count));
        var reloaded = await fixture.Grains.LedgerSummary(compound, 10);
        Assert.Equal((summary.CompoundBalance, summary.InCirculation, summary.Transactions), (reloaded.CompoundBalance, reloaded.InCirculation, reloaded.Transactions));

        // Charging a known reservation again answers with its first charge and posts nothing.
        // (Calls sent at once arrive in any order, so take one that was accepted, whichever it was.)
        var known = bookings[outcomes.ToList().FindIndex(o => o.IsSuccess)];
        var repeat = await fixture.Grains.HouseholdLedger(compound, known.Household).Charge(known.Id, Accounts.Compound, 7, Window, LedgerKind.Booking);
        Assert.True(repeat.IsSuccess);
        await fixture.Grains.HouseholdLedger(compound, known.Household).DeliverNow();
        Assert.Equal(summary.Transactions, (await fixture.Grains.LedgerSummary(compound, 10)).Transactions);
    }
}
