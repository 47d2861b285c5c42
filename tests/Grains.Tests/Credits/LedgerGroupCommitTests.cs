using Orleans.Core.Internal;
using Parking.Domain;
using Parking.Domain.Credits;
using Xunit;

namespace Parking.Grains.Tests.Credits;

/// <summary>
/// The ledger commits concurrent charges in groups. These tests charge one ledger from many callers at once
/// and check that no credit is made or lost, that a household never spends more than it has, and that what
/// callers were told is what storage holds after the activation is dropped and reloaded.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LedgerGroupCommitTests(ClusterFixture fixture)
{
    private static readonly TimeWindow Window = new(ClusterFixture.Clock.GetUtcNow().AddDays(3), ClusterFixture.Clock.GetUtcNow().AddDays(3).AddHours(1));

    [Fact]
    public async Task Concurrent_charges_never_overspend_and_survive_a_reload()
    {
        // A ledger of its own (a compound id no other test uses), so its balances are this test's alone.
        var ledger = fixture.Grains.GetGrain<ICreditLedgerGrain>("ledger-group-commit");
        var payers = Enumerable.Range(0, 8).Select(i => Accounts.Household($"h{i}")).ToList();

        // 8 households × 30 bookings of 7 credits, all at once: each household's grant (100) pays for 14 of them.
        var bookings = payers.SelectMany(payer => Enumerable.Range(0, 30).Select(n => (Payer: payer, Id: $"{payer}/r{n}"))).ToList();
        var outcomes = await Task.WhenAll(bookings.Select(b => ledger.Charge(b.Id, b.Payer, Accounts.Compound, 7, Window, LedgerKind.Booking)));

        var accepted = outcomes.Count(o => o.IsSuccess);
        Assert.Equal(8 * (100 / 7), accepted);
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal("insufficient-credits", o.Error!.Code));

        var before = await Statements(ledger, payers);
        Assert.All(before, s => Assert.Equal(100 - (7 * 14), s.Balance));
        var summary = await ledger.GetSummary(10);
        Assert.Equal(0, summary.Total);

        // Drop the activation: the next call reads what storage holds.
        await ledger.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var after = await Statements(ledger, payers);
        Assert.Equal(before.Select(s => s.Balance), after.Select(s => s.Balance));
        Assert.Equal(summary.Transactions, (await ledger.GetSummary(10)).Transactions);

        // Charging a known reservation again answers with its first charge and posts nothing.
        // (Calls sent at once arrive in any order, so take one that was accepted, whichever it was.)
        var known = bookings[outcomes.ToList().FindIndex(o => o.IsSuccess)];
        var repeat = await ledger.Charge(known.Id, known.Payer, Accounts.Compound, 7, Window, LedgerKind.Booking);
        Assert.True(repeat.IsSuccess);
        Assert.Equal(summary.Transactions, (await ledger.GetSummary(10)).Transactions);
    }

    private static async Task<List<AccountStatement>> Statements(ICreditLedgerGrain ledger, IEnumerable<string> accounts)
    {
        var statements = new List<AccountStatement>();
        foreach (var account in accounts)
        {
            statements.Add(await ledger.GetAccount(account, 1));
        }

        return statements;
    }
}
