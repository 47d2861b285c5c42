using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Parking.Domain.Credits;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Sharing;
using Xunit;

namespace Parking.Domain.Tests.Sharing;

/// <summary>
/// Credits over the whole life of bookings: drivers book a shared private space and a common space (paying
/// the owner or the compound), cancel (refunded by the rule), the owner withdraws windows (broken bookings
/// refunded), the clock moves (no-shows pay). Whatever happens, every transaction is one positive amount
/// from one account to another, the balances always sum to zero, no driver's balance goes negative by
/// spending, and a refused charge changes nothing.
/// </summary>
public class CreditProperties
{
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(30);
    private static readonly CreditPolicy Policy = new() { Grant = 20 };

    public abstract record Step;

    public sealed record BookStep(int Driver, bool Common, int StartSlot, int LengthSlots) : Step;

    public sealed record CancelStep(int Pick, bool Common) : Step;

    public sealed record WithdrawStep(int Day) : Step;

    public sealed record WaitStep(int Slots) : Step;

    private static Gen<Step> Steps() => Gen.OneOf(
        from driver in Gen.Choose(1, 3)
        from common in Gen.Elements(true, false)
        from start in Gen.Choose(0, 150)
        from length in Gen.Choose(1, 20)
        select (Step)new BookStep(driver, common, start, length),
        from pick in Gen.Choose(0, 20)
        from common in Gen.Elements(true, false)
        select (Step)new CancelStep(pick, common),
        from day in Gen.Choose(0, 3)
        select (Step)new WithdrawStep(day),
        from slots in Gen.Choose(0, 10)
        select (Step)new WaitStep(slots));

    [Property(MaxTest = 300)]
    public Property Credits_are_conserved_across_bookings_cancellations_withdrawals_and_no_shows() =>
        Prop.ForAll(Steps().ListOf().Select(l => l.ToArray()).ToArbitrary(), steps =>
        {
            var now = SharingPlanTests.Now;
            var today = SharingPlan.LocalDate(now, SharingPlanTests.China);
            var shared = SharingPlanTests.PrivateCalendar(SharingPlan.RoundTheClock(today, today.AddDays(10), SharingPlanTests.China));
            var common = SpaceCalendarTests.NewCalendar();
            var ledger = new CreditLedger();
            var policy = SpaceCalendarTests.Policy;
            var withdrawn = new List<DateOnly>();

            foreach (var step in steps)
            {
                var balances = new Dictionary<string, long>(ledger.Balances);
                var journal = ledger.Journal.Count;
                switch (step)
                {
                    case BookStep b:
                        var calendar = b.Common ? common : shared;
                        var start = now + (Slot * b.StartSlot);
                        var window = new TimeWindow(start, start + (Slot * b.LengthSlots));
                        var command = new ReserveCommand($"d{b.Driver}", window, null, HouseholdId: $"H{b.Driver}");
                        var prepared = calendar.Prepare(command, policy, now, Guid.NewGuid(), out _);
                        if (!prepared.IsSuccess)
                        {
                            break;
                        }

                        var price = Policy.Price(calendar.Definition!, window);
                        var paid = ledger.Charge(prepared.Value!.Id, Accounts.Household($"H{b.Driver}"), CreditPolicy.PayeeOf(calendar.Definition!), price, window, Policy.Grant, now);
                        if (paid.IsSuccess)
                        {
                            calendar.Add(prepared.Value);
                        }
                        else if (!ledger.Balances.OrderBy(x => x.Key).SequenceEqual(balances.OrderBy(x => x.Key)) || ledger.Journal.Count != journal)
                        {
                            return false.Label($"a refused charge changed the ledger at {step}");
                        }

                        break;
                    case CancelStep c:
                        var from = c.Common ? common : shared;
                        if (from.Reservations.Count == 0)
                        {
                            break;
                        }

                        var cancelled = from.Cancel(from.Reservations[c.Pick % from.Reservations.Count].Id, new Actor("staff", true), now);
                        if (cancelled.Value is { } r && Policy.RefundsCancellation(r.Window, now))
                        {
                            ledger.Refund(r.Id, now);
                        }

                        break;
                    case WithdrawStep w:
                        withdrawn.Add(today.AddDays(w.Day));
                        var plan = SharingPlan.RoundTheClock(today, today.AddDays(10), SharingPlanTests.China) with { WithdrawnDates = [.. withdrawn.Where(d => d >= SharingPlan.LocalDate(now, SharingPlanTests.China)).Distinct()] };
                        var change = shared.PublishSharing(plan with { From = SharingPlan.LocalDate(now, SharingPlanTests.China) }, now, TimeSpan.FromHours(24));
                        foreach (var broken in change.Value?.Broken ?? [])
                        {
                            ledger.Refund(broken.Id, now);
                        }

                        break;
                    case WaitStep wait:
                        now += Slot * wait.Slots;
                        shared.ReleaseNoShows(now, policy);
                        common.ReleaseNoShows(now, policy);
                        break;
                }

                if (ledger.Total != 0)
                {
                    return false.Label($"balances sum to {ledger.Total} after {step}");
                }

                if (ledger.Journal.Any(t => t.Amount <= 0 || t.Debit == t.Credit || t.Entries().Sum(e => e.Amount) != 0))
                {
                    return false.Label($"an unbalanced transaction after {step}");
                }

                var replayed = new Dictionary<string, long>();
                foreach (var (account, amount) in ledger.Journal.SelectMany(t => t.Entries()))
                {
                    replayed[account] = replayed.GetValueOrDefault(account) + amount;
                }

                if (replayed.Any(r => ledger.BalanceOf(r.Key) != r.Value))
                {
                    return false.Label($"balances differ from the journal after {step}");
                }

                if (ledger.Balances.Any(b => b.Key is "household:H1" or "household:H2" or "household:H3" && b.Value < 0))
                {
                    return false.Label($"a driver spent more than they had after {step}");
                }
            }

            return true.ToProperty();
        });

    [Fact]
    public void A_charge_the_driver_cannot_pay_is_refused_and_changes_nothing()
    {
        var ledger = new CreditLedger();
        var window = SpaceCalendarTests.Hours(1, 3);
        Assert.True(ledger.Charge("a", Accounts.Household("H1"), Accounts.Household("H9"), 15, window, 20, SharingPlanTests.Now).IsSuccess);

        var refused = ledger.Charge("b", Accounts.Household("H1"), Accounts.Compound, 6, window, 20, SharingPlanTests.Now);

        Assert.Equal("insufficient-credits", refused.Error?.Code);
        Assert.Equal(5, ledger.BalanceOf(Accounts.Household("H1")));
        Assert.Equal(15, ledger.BalanceOf(Accounts.Household("H9")));
        Assert.Equal(-20, ledger.BalanceOf(Accounts.Compound));
        Assert.Equal([LedgerKind.Grant, LedgerKind.Booking], ledger.Journal.Select(t => t.Kind));
        Assert.False(ledger.Charges.ContainsKey("b"));
    }

    [Fact]
    public void A_refund_returns_the_whole_charge_once()
    {
        var ledger = new CreditLedger();
        var window = SpaceCalendarTests.Hours(1, 3);
        ledger.Charge("a", Accounts.Household("H1"), Accounts.Household("H9"), 4, window, 20, SharingPlanTests.Now);

        Assert.NotNull(ledger.Refund("a", SharingPlanTests.Now));
        Assert.Null(ledger.Refund("a", SharingPlanTests.Now));
        Assert.Null(ledger.Refund("never-charged", SharingPlanTests.Now));

        Assert.Equal(20, ledger.BalanceOf(Accounts.Household("H1")));
        Assert.Equal(0, ledger.BalanceOf(Accounts.Household("H9")));
        Assert.Equal(0, ledger.Total);
    }

    [Theory]
    [InlineData(SpaceOwnership.Private, 90, 3)]
    [InlineData(SpaceOwnership.Common, 90, 2)]
    [InlineData(SpaceOwnership.Common, 60, 1)]
    [InlineData(SpaceOwnership.Temporary, 600, 0)]
    public void Prices_are_per_started_hour_share_rounded_up(SpaceOwnership ownership, int minutes, long expected)
    {
        var space = new SpaceDefinition("c", "G1", "G1-001", "G1-001", SpaceKind.Standard, ownership, 0, "H9");
        var window = new TimeWindow(SharingPlanTests.Now, SharingPlanTests.Now.AddMinutes(minutes));

        Assert.Equal(expected, new CreditPolicy().Price(space, window));
        Assert.Equal(ownership == SpaceOwnership.Private ? "household:H9" : "compound", CreditPolicy.PayeeOf(space));
    }
}
