using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Domain.Tests.Charging;

/// <summary>The area book keeps each phase of the feed when it applies a plan, not only the total.</summary>
public class PhaseLimitTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
    private static readonly ChargingPolicy Policy = new();

    /// <summary>
    /// A 30 kW feed (10 kW a phase) with two single-phase 7 kW chargers on L1 and one on L2. Three cars get a turn each
    /// at once at their chargers' full power: 21 kW in total fits the feed, but 14 kW on L1 does not, so one of the two
    /// L1 turns is refused (its driver waits) and the L2 turn stays. The same plan at 4 kW a car (8 kW on L1) is applied
    /// whole. Before, the book checked the total alone and accepted all three at 7 kW.
    /// </summary>
    [Fact]
    public void A_plan_that_overloads_one_phase_loses_the_turn_that_would_overload_it()
    {
        var (book, ids) = NewBook();
        var turns = new Dictionary<string, ChargingTurn>(StringComparer.Ordinal)
        {
            [ids[0]] = Turn("C-1"),
            [ids[1]] = Turn("C-2"),
            [ids[2]] = Turn("C-3"),
        };

        book.ApplyPlan(turns, Summary, Now);

        var status = ids.Select(id => book.Requests.Single(r => r.Id == id).Status).ToList();
        Assert.Equal(1, status.Take(2).Count(s => s == ChargingRequestStatus.Waiting));
        Assert.Equal(1, status.Take(2).Count(s => s == ChargingRequestStatus.Scheduled));
        Assert.Equal(ChargingRequestStatus.Scheduled, status[2]);
        Assert.Equal(10, book.PlannablePhaseKw);
        var input = book.PlanningInput(Now, Policy);
        Assert.Equal((ChargerPhase.L1, ChargerPhase.L2), (input.Phases["C-1"], input.Phases["C-3"]));
        Assert.Equal(10, input.PhaseLimitKw);

        var (modulated, same) = NewBook();
        var power = same.Select((id, i) => new TurnPowerSchedule(id, $"C-{i + 1}", Turn("C-1").Window, [new PowerStep(Now, 4)])).ToList();
        modulated.ApplyPlan(new Dictionary<string, ChargingTurn>(StringComparer.Ordinal)
        {
            [same[0]] = Turn("C-1"),
            [same[1]] = Turn("C-2"),
            [same[2]] = Turn("C-3"),
        }, Summary, Now, power);

        Assert.All(same, id => Assert.Equal(ChargingRequestStatus.Scheduled, modulated.Requests.Single(r => r.Id == id).Status));
    }

    /// <summary>
    /// A joined hold's gap takes no more than its phase has left: a 30 kW feed (10 kW a phase), two 7 kW chargers on L1.
    /// Car "a" holds C-1 from hour 1 to 4 with a gap from 2 to 3 while "b" charges on C-2 at 7 kW; the feed has 23 kW left
    /// in the gap but L1 only 3, so the gap gets 3 kW (7 kW, the charger's rating, before).
    /// </summary>
    [Fact]
    public void A_joined_hold_gets_no_more_in_its_gap_than_its_phase_has_left()
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("CA-1", "Area", "G1", 30,
        [
            new ChargerDefinition("C-1", "G1-001", 7) { Phase = ChargerPhase.L1 },
            new ChargerDefinition("C-2", "G1-002", 7) { Phase = ChargerPhase.L1 },
        ]));
        string Submit(string resident, double from, double to, double kwh) =>
            book.Submit(resident, new ChargingRequestDraft("P-" + resident, kwh, new TimeWindow(Now.AddHours(from), Now.AddHours(to)), true), Policy, Now, Guid.NewGuid()).Value!.Id;
        var a = Submit("a", 0, 6, 21);
        var b = Submit("b", 2, 3, 7);
        ChargingTurn At(string charger, double from, double to) => new(charger, new TimeWindow(Now.AddHours(from), Now.AddHours(to)));
        TurnPowerSchedule Power(string id, ChargingTurn turn) => new(id, turn.ChargerId, turn.Window, [new PowerStep(turn.Window.Start, 7)]);

        book.ApplyPlan(
            new Dictionary<string, IReadOnlyList<ChargingTurn>>(StringComparer.Ordinal)
            {
                [a] = [At("C-1", 1, 2), At("C-1", 3, 4)],
                [b] = [At("C-2", 2, 3)],
            },
            Summary, Now,
            [Power(a, At("C-1", 1, 2)), Power(a, At("C-1", 3, 4)), Power(b, At("C-2", 2, 3))]);

        var hold = Assert.Single(book.PowerSchedules, p => p.RequestId == a);
        Assert.Equal(new TimeWindow(Now.AddHours(1), Now.AddHours(4)), hold.Window);
        Assert.Equal((7.0, 3.0, 7.0), (hold.KwAt(Now.AddHours(1.5)), hold.KwAt(Now.AddHours(2.5)), hold.KwAt(Now.AddHours(3.5))));
    }

    /// <summary>An area whose chargers all load three phases has no phase limit for the planner: the total says it all.</summary>
    [Fact]
    public void Three_phase_chargers_leave_the_planner_without_a_phase_limit()
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("CA-1", "Area", "G1", 30, [new ChargerDefinition("C-1", "G1-001", 7)]));

        Assert.Null(book.PlannablePhaseKw);
        Assert.Null(book.PlanningInput(Now, Policy).PhaseLimitKw);
    }

    private static (ChargingAreaBook Book, List<string> Ids) NewBook()
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("CA-1", "Area", "G1", 30,
        [
            new ChargerDefinition("C-1", "G1-001", 7) { Phase = ChargerPhase.L1 },
            new ChargerDefinition("C-2", "G1-002", 7) { Phase = ChargerPhase.L1 },
            new ChargerDefinition("C-3", "G1-003", 7) { Phase = ChargerPhase.L2 },
        ]));
        var ids = Enumerable.Range(1, 3).Select(i =>
        {
            var draft = new ChargingRequestDraft($"P-{i}", 10, new TimeWindow(Now, Now.AddHours(4)), true);
            var outcome = book.Submit($"r{i}", draft, Policy, Now, Guid.NewGuid());
            Assert.True(outcome.IsSuccess, outcome.Error?.Message);
            return outcome.Value!.Id;
        }).ToList();
        return (book, ids);
    }

    private static ChargingTurn Turn(string charger) => new(charger, new TimeWindow(Now, Now.AddHours(2)));

    private static PlanSummary Summary => new("test", AreaPlanStatus.Optimal, Now, TimeSpan.Zero, 0, 0);
}
