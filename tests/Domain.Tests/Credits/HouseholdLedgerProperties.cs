using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Parking.Domain.Credits;
using Xunit;

namespace Parking.Domain.Tests.Credits;

/// <summary>
/// The ledger sharded by household: households pay the compound and each other, refund, open their accounts, while
/// the legs of their transactions reach the other households and the settlement shards late, twice, out of turn with
/// other senders, or not at all (a receiver that loses what it had not stored). Whatever happens, every balance plus
/// every credit still in transit sums to zero; once every leg is through, the balances alone do, the settlement's
/// figures match the households' own, and nobody spent more than they had.
/// Settlement is also modelled as the grains do it when bookings do not wait for it: a shard applies a household's
/// report in memory, answers only once a later (gathered) write has stored it, and may crash before that write.
/// </summary>
public class HouseholdLedgerProperties
{
    private const int Households = 4;
    private const int ShardCount = 3;
    private const long Grant = 20;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeWindow Window = new(Now.AddDays(1), Now.AddDays(1).AddHours(1));

    public abstract record Step;

    /// <summary>Household <see cref="Payer"/> books reservation <see cref="Reservation"/> (ids repeat: retries) paying household <see cref="Payee"/> (-1: the compound).</summary>
    public sealed record ChargeStep(int Payer, int Payee, int Amount, int Reservation) : Step;

    public sealed record RefundStep(int Payer, int Reservation) : Step;

    public sealed record OpenStep(int Household) : Step;

    /// <summary>Household <see cref="Sender"/> sends its outbox; the receiver keeps it or, when <see cref="Lost"/>, loses what it applied (a crash before its write).</summary>
    public sealed record DeliverStep(int Sender, bool Lost, bool AckLost) : Step;

    /// <summary>Household <see cref="Sender"/> reports to its shard, which applies it in memory and answers only at its next <see cref="StoreShardStep"/>.</summary>
    public sealed record SettleLaterStep(int Sender) : Step;

    /// <summary>Shard <see cref="Shard"/> writes what it applied (archiving its oldest recent transactions) and answers the households waiting.</summary>
    public sealed record StoreShardStep(int Shard, bool AckLost) : Step;

    /// <summary>Shard <see cref="Shard"/> crashes: what it applied since its last write is gone.</summary>
    public sealed record CrashShardStep(int Shard) : Step;

    private static Gen<Step> Steps() => Gen.OneOf(
        from payer in Gen.Choose(0, Households - 1)
        from payee in Gen.Choose(-1, Households - 1)
        from amount in Gen.Choose(0, 12)
        from reservation in Gen.Choose(0, 15)
        select (Step)new ChargeStep(payer, payee, amount, reservation),
        from payer in Gen.Choose(0, Households - 1)
        from reservation in Gen.Choose(0, 15)
        select (Step)new RefundStep(payer, reservation),
        from household in Gen.Choose(0, Households - 1)
        select (Step)new OpenStep(household),
        from sender in Gen.Choose(0, Households - 1)
        from lost in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
        from ackLost in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
        select (Step)new DeliverStep(sender, lost, ackLost),
        from sender in Gen.Choose(0, Households - 1)
        select (Step)new SettleLaterStep(sender),
        from shard in Gen.Choose(0, ShardCount - 1)
        from ackLost in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
        select (Step)new StoreShardStep(shard, ackLost),
        from shard in Gen.Choose(0, ShardCount - 1)
        select (Step)new CrashShardStep(shard));

    [Property(MaxTest = 300)]
    public Property Credits_in_balances_and_in_transit_always_sum_to_zero_and_settle_exactly_once() =>
        Prop.ForAll(Steps().ListOf().Select(l => l.ToArray()).ToArbitrary(), steps =>
        {
            var network = new Network();
            foreach (var step in steps)
            {
                network.Apply(step);
                Assert.Equal(0, network.BalancesPlusInTransit());
                Assert.All(network.Ledgers, l => Assert.True(l.Balance >= -network.RefundedAsPayee(l), $"{l.Account} overspent: {l.Balance}"));
            }

            network.DeliverAll();
            Assert.All(network.Ledgers, l => Assert.Empty(l.Outbox));
            var households = network.Ledgers.Sum(l => l.Balance);
            var compound = network.Shards.Sum(s => s.CompoundBalance);
            Assert.Equal(0, households + compound);
            Assert.Equal(households, network.Shards.Sum(s => s.InCirculation));
            Assert.Equal(network.Decided, network.Shards.Sum(s => s.Transactions));

            // Every transaction settled is in one shard's recent list or its archive chunks, once, under a number unique in the compound.
            var numbers = network.SettledTransactions().Select(t => t.Number).ToList();
            Assert.Equal(network.Decided, numbers.Count);
            Assert.Equal(numbers.Count, numbers.Distinct(StringComparer.Ordinal).Count());
        });

    [Fact]
    public void Two_households_own_transactions_have_the_same_count_but_different_numbers()
    {
        var h1 = HouseholdLedger.Empty(Accounts.Household("H1"));
        var h2 = HouseholdLedger.Empty(Accounts.Household("H2"));
        h1.Charge("G1-001.a", Accounts.Compound, 5, Window, Grant, Now);
        h2.Charge("G1-002.a", Accounts.Compound, 5, Window, Grant, Now);

        Assert.Equal(h1.Journal.Select(t => t.Id), h2.Journal.Select(t => t.Id));
        Assert.Equal(["H1-1", "H1-2"], h1.Journal.Select(t => t.Number));
        Assert.Equal(["H2-1", "H2-2"], h2.Journal.Select(t => t.Number));
        Assert.Equal("7", new LedgerTransaction(7, Now, LedgerKind.Grant, Accounts.Compound, h1.Account, 1, null).Number);
    }

    [Fact]
    public void A_shard_keeps_its_newest_transactions_hot_and_archives_older_ones_in_chunks()
    {
        var settlement = CompoundSettlement.Restore(new CompoundSettlementSnapshot());
        var household = Accounts.Household("H1");
        var decided = Enumerable.Range(1, CompoundSettlement.RecentHot + 7)
            .Select(i => new LedgerTransaction(i, Now, LedgerKind.Booking, household, Accounts.Compound, 1, $"G1-001.{i}", household)).ToList();
        settlement.Settle(household, new ReportedBalance(0, 1), decided);

        var chunk = settlement.ChunkToArchive();
        Assert.NotNull(chunk);
        Assert.Equal(decided.Take(CompoundSettlement.RecentChunk), chunk);
        settlement.Archived(chunk.Count);

        Assert.Equal(1, settlement.ArchivedRecent);
        Assert.Equal(decided.Skip(CompoundSettlement.RecentChunk), settlement.Recent);
        Assert.Null(settlement.ChunkToArchive());
        Assert.Equal(decided.Count, settlement.Transactions);
    }

    [Fact]
    public void A_charge_retried_and_its_legs_sent_twice_are_counted_once()
    {
        var network = new Network();
        network.Apply(new ChargeStep(0, 1, 5, 7));
        network.Apply(new ChargeStep(0, 1, 5, 7));
        network.Apply(new DeliverStep(0, Lost: false, AckLost: true));
        network.Apply(new DeliverStep(0, Lost: false, AckLost: false));

        Assert.Equal(Grant - 5, network.Ledgers[0].Balance);
        Assert.Equal(5, network.Ledgers[1].Balance);
        Assert.Equal(new SpaceEarnings(1, 5, 0, 0), network.Ledgers[1].EarningsOf("S"));
        Assert.Equal(2, network.Shards.Sum(s => s.Transactions));
        Assert.Equal(-Grant, network.Shards.Sum(s => s.CompoundBalance));
        Assert.Empty(network.Ledgers[0].Outbox);
    }

    [Fact]
    public void A_refused_charge_changes_nothing_and_sends_nothing()
    {
        var ledger = HouseholdLedger.Empty(Accounts.Household("H1"));
        ledger.Charge("G1-001.a", Accounts.Compound, 15, Window, Grant, Now);
        var before = ledger.Snapshot();

        var refused = ledger.Charge("G1-001.b", Accounts.Compound, 6, Window, Grant, Now);

        Assert.Equal("insufficient-credits", refused.Error?.Code);
        Assert.Equal(before.Balance, ledger.Balance);
        Assert.Equal(before.Journal, ledger.Journal);
        Assert.Equal(before.Outbox, ledger.Outbox);
        Assert.False(ledger.Charges.ContainsKey("G1-001.b"));
    }

    [Fact]
    public void The_journal_stays_bounded_and_old_charges_are_pruned_when_a_chunk_is_archived()
    {
        var ledger = HouseholdLedger.Empty(Accounts.Household("H1"));
        ledger.Open(Grant, Now);
        for (var i = 0; i < HouseholdLedger.JournalKept; i++)
        {
            ledger.Receive(Accounts.Household("H2"), [new LedgerTransaction(i + 1, Now, LedgerKind.Booking, Accounts.Household("H2"), ledger.Account, 1, $"G1-001.{i}")]);
        }

        var old = new TimeWindow(Now.AddDays(-5), Now.AddDays(-5).AddHours(1));
        ledger.Charge("G1-002.old", Accounts.Compound, 1, old, Grant, Now);
        var ahead = new TimeWindow(Now.AddDays(5), Now.AddDays(5).AddHours(1));
        ledger.Charge("G1-003.cancelled", Accounts.Compound, 1, ahead, Grant, Now);
        ledger.Refund("G1-003.cancelled", Now);
        ledger.Charge("G1-004.held", Accounts.Compound, 1, ahead, Grant, Now);
        var chunk = ledger.ChunkToArchive();

        Assert.NotNull(chunk);
        Assert.Equal(HouseholdLedger.ArchiveChunk, chunk.Count);
        ledger.Archived(chunk.Count, Now.AddDays(-2));
        Assert.Equal(HouseholdLedger.JournalKept + 5 - HouseholdLedger.ArchiveChunk, ledger.Journal.Count);
        Assert.Equal(1, ledger.ArchivedChunks);

        // Kept: only the charge that can still be refunded.
        Assert.Equal("G1-004.held", Assert.Single(ledger.Charges).Key);
        Assert.Equal(new SpaceEarnings(HouseholdLedger.JournalKept, HouseholdLedger.JournalKept, 0, 0), ledger.EarningsOf("G1-001"));
    }

    /// <summary>Households and settlement shards exchanging legs as their grains do, with failures injected.</summary>
    private sealed class Network
    {
        private readonly Dictionary<string, LedgerStorage> _storedHouseholds = [];
        private readonly CompoundSettlementSnapshot[] _storedShards;
        private readonly Dictionary<(int Shard, int Chunk), IReadOnlyList<LedgerTransaction>> _archives = [];

        public Network()
        {
            Ledgers = [.. Enumerable.Range(0, Households).Select(i => HouseholdLedger.Empty(Accounts.Household($"H{i}")))];
            Shards = [.. Enumerable.Range(0, ShardCount).Select(_ => CompoundSettlement.Restore(new CompoundSettlementSnapshot()))];
            _storedShards = [.. Shards.Select(s => s.Snapshot())];
            foreach (var ledger in Ledgers)
            {
                _storedHouseholds[ledger.Account] = new LedgerStorage(ledger);
            }
        }

        public List<HouseholdLedger> Ledgers { get; }

        public CompoundSettlement[] Shards { get; }

        /// <summary>Transactions decided by every household (a retried charge is not a new one).</summary>
        public long Decided => Ledgers.Sum(l => l.NextId - 1);

        public void Apply(Step step)
        {
            switch (step)
            {
                case ChargeStep c:
                    var payee = c.Payee < 0 ? Accounts.Compound : Ledgers[c.Payee].Account;
                    var payer = Ledgers[c.Payer];
                    var id = $"S.{c.Payer}-{c.Reservation}";
                    var balance = payer.IsOpen ? payer.Balance : Grant;
                    var known = payer.Charges.ContainsKey(id);
                    var before = payer.NextId;
                    var outcome = payer.Charge(id, payee, c.Amount, Window, Grant, Now);
                    if (!known && payee != payer.Account)
                    {
                        Assert.Equal(balance >= c.Amount, outcome.IsSuccess);
                    }

                    if (known)
                    {
                        Assert.Equal(before, payer.NextId);
                    }

                    break;
                case RefundStep r:
                    Ledgers[r.Payer].Refund($"S.{r.Payer}-{r.Reservation}", Now);
                    break;
                case OpenStep o:
                    Ledgers[o.Household].Open(Grant, Now);
                    break;
                case DeliverStep d:
                    Deliver(Ledgers[d.Sender], d.Lost, d.AckLost);
                    break;
                case SettleLaterStep l:
                    var sender = Ledgers[l.Sender];
                    Shards[ShardOf(sender)].Settle(
                        sender.Account,
                        new ReportedBalance(sender.Balance, sender.Version),
                        [.. sender.Outbox.Where(g => g.To == Accounts.Compound).Select(g => g.Transaction)]);
                    break;
                case StoreShardStep w:
                    Store(w.Shard);
                    if (!w.AckLost)
                    {
                        foreach (var waiting in Ledgers.Where(h => ShardOf(h) == w.Shard))
                        {
                            waiting.Confirmed(Accounts.Compound, Shards[w.Shard].AppliedFrom(waiting.Account));
                        }
                    }

                    break;
                case CrashShardStep c:
                    Shards[c.Shard] = CompoundSettlement.Restore(_storedShards[c.Shard]);
                    break;
            }

            // Every household stores what it changed, as its grain does; what is read back is the ledger itself.
            foreach (var ledger in Ledgers)
            {
                _storedHouseholds[ledger.Account].Store(ledger);
            }
        }

        public void DeliverAll()
        {
            // Receiving reports a balance too, so go round until nothing is left to send.
            for (var round = 0; round < 3; round++)
            {
                foreach (var ledger in Ledgers)
                {
                    Deliver(ledger, lost: false, ackLost: false);
                }
            }
        }

        /// <summary>What the shards stored, their archive chunks and their recent lists together.</summary>
        public IEnumerable<LedgerTransaction> SettledTransactions() =>
            _archives.Values.SelectMany(c => c).Concat(Shards.SelectMany(s => s.Recent));

        /// <summary>Every household balance, the compound's (what the shards settled) and every leg not yet applied.</summary>
        public long BalancesPlusInTransit()
        {
            var total = Ledgers.Sum(l => l.Balance) + Shards.Sum(s => s.CompoundBalance);
            foreach (var sender in Ledgers)
            {
                foreach (var leg in sender.Outbox.Where(l => l.Transaction.Touches(l.To)))
                {
                    var applied = leg.To == Accounts.Compound
                        ? Shards[Accounts.SettlementShard(sender.Account, Shards.Length)].AppliedFrom(sender.Account)
                        : Ledgers.Single(l => l.Account == leg.To).AppliedFrom(sender.Account);
                    if (leg.Transaction.Id > applied)
                    {
                        total += leg.Transaction.Credit == leg.To ? leg.Transaction.Amount : -leg.Transaction.Amount;
                    }
                }
            }

            return total;
        }

        /// <summary>What a household owes back as a payee that refunded (it may go below zero only by that).</summary>
        public long RefundedAsPayee(HouseholdLedger ledger) =>
            Ledgers.SelectMany(l => l.Charges.Values).Where(c => c.Payee == ledger.Account && c.Refunded > 0).Sum(c => c.Refunded);

        private int ShardOf(HouseholdLedger household) => Accounts.SettlementShard(household.Account, Shards.Length);

        /// <summary>A shard's write, as its grain does it: archive chunks first, then the state.</summary>
        private void Store(int shard)
        {
            while (Shards[shard].ChunkToArchive() is { } chunk)
            {
                _archives[(shard, Shards[shard].ArchivedRecent)] = chunk;
                Shards[shard].Archived(chunk.Count);
            }

            _storedShards[shard] = Shards[shard].Snapshot();
        }

        private void Deliver(HouseholdLedger sender, bool lost, bool ackLost)
        {
            foreach (var legs in sender.Outbox.GroupBy(l => l.To).ToList())
            {
                var transactions = legs.Select(l => l.Transaction).ToList();
                long stored;
                if (legs.Key == Accounts.Compound)
                {
                    var index = Accounts.SettlementShard(sender.Account, Shards.Length);
                    Shards[index].Settle(sender.Account, new ReportedBalance(sender.Balance, sender.Version), transactions);
                    if (lost)
                    {
                        Shards[index] = CompoundSettlement.Restore(_storedShards[index]);
                        continue;
                    }

                    Store(index);
                    stored = Shards[index].AppliedFrom(sender.Account);
                }
                else
                {
                    var index = Ledgers.FindIndex(l => l.Account == legs.Key);
                    Ledgers[index].Receive(sender.Account, transactions);
                    if (lost)
                    {
                        Ledgers[index] = _storedHouseholds[legs.Key].Read();
                        continue;
                    }

                    _storedHouseholds[legs.Key].Store(Ledgers[index]);
                    stored = Ledgers[index].AppliedFrom(sender.Account);
                }

                if (!ackLost)
                {
                    sender.Confirmed(legs.Key, stored);
                }
            }

            // The household reports its balance even when it sent nothing (it received).
            var shard = Shards[Accounts.SettlementShard(sender.Account, Shards.Length)];
            shard.Settle(sender.Account, new ReportedBalance(sender.Balance, sender.Version), []);
            Store(ShardOf(sender));
        }
    }
}
