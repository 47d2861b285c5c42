using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Planning.Charging;
using Xunit;

namespace Parking.Planning.Tests.Charging;

/// <summary>
/// A car on its charger that its running turn cannot finish: the re-plan offers it more (up to the policy's turns per
/// request), as a longer turn where its charger stays free and as a later turn where another car needs the charger
/// next. One 7 kW charger on a 7 kW feed; A needs 7 kWh within two hours and holds the charger for its first half hour.
/// </summary>
public sealed class StartedNextTurnTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 19, 0, 0, Shanghai);

    private static (ChargingAreaBook Book, Parking.Domain.Charging.ChargingRequest A) StartedA(ChargingPolicy policy)
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("A", "Area", "L1", 7, [new ChargerDefinition("C1", "S1", 7)]));
        var a = Submit(book, "a", 7, 0, 120, policy);
        IReadOnlyList<Parking.Domain.Charging.ChargingTurn> first = [new("C1", new TimeWindow(Now, Now.AddMinutes(30)))];
        book.ApplyPlan(new Dictionary<string, IReadOnlyList<Parking.Domain.Charging.ChargingTurn>> { [a.Id] = first }, new PlanSummary("test", AreaPlanStatus.Optimal, Now, TimeSpan.Zero, 0, 0), Now);
        book.Advance(Now, policy);
        Assert.Equal(ChargingRequestStatus.Called, book.Requests.Single(r => r.Id == a.Id).Status);
        return (book, a);
    }

    /// <summary>
    /// A needs 3.5 kWh, its half-hour turn at the plan's 7 kW: its car plugs in and the meter shows it drawing
    /// <paramref name="drawKw"/>. Returns what that report asked of the area.
    /// </summary>
    private static (ChargingAreaBook Book, Parking.Domain.Charging.ChargingRequest A, AreaChange Report) PluggedA(ChargingPolicy policy, double drawKw, bool withB = false)
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("A", "Area", "L1", 7, [new ChargerDefinition("C1", "S1", 7)]));
        var a = Submit(book, "a", 3.5, 0, 120, policy);
        if (withB)
        {
            Submit(book, "b", 3.5, 30, 60, policy);
        }

        var window = new TimeWindow(Now, Now.AddMinutes(30));
        book.ApplyPlan(
            new Dictionary<string, IReadOnlyList<Parking.Domain.Charging.ChargingTurn>> { [a.Id] = [new("C1", window)] },
            new PlanSummary("test", AreaPlanStatus.Optimal, Now, TimeSpan.Zero, 0, 0), Now,
            [new TurnPowerSchedule(a.Id, "C1", window, [new PowerStep(Now, 7)])]);
        book.Advance(Now, policy);
        var idle = new ChargerSnapshot("C1", "S1", 7, ChargerStatus.Available, 0, 0, Now);
        book.ChargerReported(idle with { Status = ChargerStatus.Preparing }, Now, policy);
        var report = book.ChargerReported(idle with { Status = ChargerStatus.Charging, PowerKw = drawKw }, Now, policy);
        Assert.Equal(ChargingRequestStatus.Charging, book.Requests.Single(r => r.Id == a.Id).Status);
        return (book, a, report);
    }

    private static Parking.Domain.Charging.ChargingRequest Submit(ChargingAreaBook book, string resident, double kwh, int fromMinutes, int toMinutes, ChargingPolicy policy) =>
        book.Submit(resident, new ChargingRequestDraft("P-" + resident, kwh, new TimeWindow(Now.AddMinutes(fromMinutes), Now.AddMinutes(toMinutes)), true),
            policy, Now, Guid.NewGuid()).Value!;

    private static IReadOnlyList<ChargingNotice> Replan(ChargingAreaBook book, ChargingPolicy policy)
    {
        var plan = TurnPlanner.PlanArea(book.PlanningInput(Now, policy), policy, Shanghai);
        Assert.DoesNotContain(plan.PowerSchedules, p => p.RequestId.Contains('#', StringComparison.Ordinal));
        return book.ApplyPlan(plan.AllTurns, plan.Summary, Now, plan.PowerSchedules, plan.NextTurns);
    }

    [Fact]
    public void Where_the_charger_stays_free_the_running_turn_is_made_longer()
    {
        var policy = new ChargingPolicy { SolveBudget = TimeSpan.FromSeconds(5) };
        var (book, a) = StartedA(policy);

        var notices = Replan(book, policy);

        var after = book.Requests.Single(r => r.Id == a.Id);
        Assert.Empty(after.LaterTurns);
        Assert.Equal("C1", after.Turn!.ChargerId);
        Assert.Equal(Now, after.Turn.Window.Start);
        Assert.True(after.Turn.Window.End >= Now.AddMinutes(60), $"A's turn {after.Turn.Window} must last the hour its 7 kWh take");
        Assert.Contains(notices, n => n.Kind == ChargingNoticeKind.TurnMoved && n.Request.Id == a.Id);
    }

    /// <summary>
    /// A's car draws half the plan's power from plug-in: the re-plan that report asks for counts the rest of A's turn at
    /// what the car draws, so A's turn is made long enough for its 3.5 kWh at 3.5 kW (an hour) at once.
    /// </summary>
    [Fact]
    public void A_car_measured_at_half_its_planned_power_gets_a_longer_turn_on_the_first_re_plan()
    {
        var policy = new ChargingPolicy { SolveBudget = TimeSpan.FromSeconds(5) };
        var (book, a, report) = PluggedA(policy, drawKw: 3.5);
        Assert.True(report.Replan, "a car behind its plan asks for a re-plan");

        var notices = Replan(book, policy);

        var after = book.Requests.Single(r => r.Id == a.Id);
        Assert.Empty(after.LaterTurns);
        Assert.Equal(("C1", Now), (after.Turn!.ChargerId, after.Turn.Window.Start));
        Assert.True(after.Turn.Window.End >= Now.AddMinutes(60), $"A's turn {after.Turn.Window} must last the hour 3.5 kWh take at 3.5 kW");
        Assert.Contains(notices, n => n.Kind == ChargingNoticeKind.TurnMoved && n.Request.Id == a.Id);
    }

    /// <summary>
    /// As above with B needing the charger for the half hour after A's turn: the first re-plan offers A a later turn, after
    /// B's, long enough for the 1.75 kWh A will lack at 3.5 kW (half an hour).
    /// </summary>
    [Fact]
    public void A_car_measured_at_half_its_planned_power_gets_a_later_turn_on_the_first_re_plan()
    {
        var policy = new ChargingPolicy { SolveBudget = TimeSpan.FromSeconds(5) };
        var (book, a, _) = PluggedA(policy, drawKw: 3.5, withB: true);

        Replan(book, policy);

        var after = book.Requests.Single(r => r.Id == a.Id);
        Assert.Equal(new TimeWindow(Now, Now.AddMinutes(30)), after.Turn!.Window);
        var later = Assert.Single(after.LaterTurns);
        Assert.True(later.Window.Start >= Now.AddMinutes(60) && later.Window.End - later.Window.Start >= TimeSpan.FromMinutes(30),
            $"A's later turn {later.Window} must follow B's half hour and last the half hour 1.75 kWh take at 3.5 kW");
    }

    /// <summary>
    /// One turn per request, A's car at 2 kW of the plan's 7 and B needing the half hour after A's turn in full: A's running turn
    /// cannot be made longer, and B gets its whole half hour (no charger time goes to a turn of A's that A may not have).
    /// </summary>
    [Fact]
    public void With_one_turn_per_request_a_car_behind_takes_no_charger_time_it_cannot_use()
    {
        var policy = new ChargingPolicy { MaxTurnsPerRequest = 1, SolveBudget = TimeSpan.FromSeconds(5) };
        var (book, a, _) = PluggedA(policy, drawKw: 2, withB: true);

        Replan(book, policy);

        Assert.Equal([new TimeWindow(Now, Now.AddMinutes(30))], book.Requests.Single(r => r.Id == a.Id).Turns.Select(t => t.Window));
        Assert.Equal(new TimeWindow(Now.AddMinutes(30), Now.AddMinutes(60)), book.Requests.Single(r => r.Id != a.Id).Turn!.Window);
    }

    /// <summary>
    /// A charger reports "charging" before its first meter value (OCPP's status notification comes first), so its power
    /// reads 0: that says nothing of the car, whose half-hour turn stays as planned.
    /// </summary>
    [Fact]
    public void A_car_not_drawing_yet_keeps_its_turn()
    {
        var policy = new ChargingPolicy { SolveBudget = TimeSpan.FromSeconds(5) };
        var (book, a, _) = PluggedA(policy, drawKw: 0);

        Replan(book, policy);

        Assert.Equal([new TimeWindow(Now, Now.AddMinutes(30))], book.Requests.Single(r => r.Id == a.Id).Turns.Select(t => t.Window));
    }

    /// <summary>A car drawing what the plan gives it is not cut short by its meter: its half-hour turn stays.</summary>
    [Fact]
    public void A_car_drawing_its_planned_power_keeps_its_turn()
    {
        var policy = new ChargingPolicy { SolveBudget = TimeSpan.FromSeconds(5) };
        var (book, a, report) = PluggedA(policy, drawKw: 6.95);
        Assert.False(report.Replan);

        Replan(book, policy);

        Assert.Equal([new TimeWindow(Now, Now.AddMinutes(30))], book.Requests.Single(r => r.Id == a.Id).Turns.Select(t => t.Window));
    }

    /// <summary>
    /// Two 7 kW chargers on a 7 kW feed. The plan gave A (7 kWh within two hours) C1 for its first half hour and C1 again
    /// after B's half hour there. B cancels, so nobody needs C1 between A's turns: the re-plan joins them into one hold
    /// of C1 with 0 kW between, A's car stays plugged in, and its driver hears no "move your car" until the hold ends.
    /// </summary>
    [Fact]
    public void A_later_turn_on_the_same_charger_after_a_gap_becomes_one_hold_and_the_car_stays_plugged_in()
    {
        var policy = new ChargingPolicy { SolveBudget = TimeSpan.FromSeconds(5) };
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("A", "Area", "L1", 7, [new ChargerDefinition("C1", "S1", 7), new ChargerDefinition("C2", "S2", 7)]));
        var a = Submit(book, "a", 7, 0, 120, policy);
        var b = Submit(book, "b", 3.5, 30, 60, policy);
        TimeWindow At(int from, int to) => new(Now.AddMinutes(from), Now.AddMinutes(to));
        book.ApplyPlan(
            new Dictionary<string, IReadOnlyList<Parking.Domain.Charging.ChargingTurn>>
            {
                [a.Id] = [new("C1", At(0, 30)), new("C1", At(60, 90))],
                [b.Id] = [new("C1", At(30, 60))],
            },
            new PlanSummary("test", AreaPlanStatus.Optimal, Now, TimeSpan.Zero, 0, 0), Now,
            [
                new TurnPowerSchedule(a.Id, "C1", At(0, 30), [new PowerStep(Now, 7)]),
                new TurnPowerSchedule(b.Id, "C1", At(30, 60), [new PowerStep(Now.AddMinutes(30), 7)]),
                new TurnPowerSchedule(a.Id, "C1", At(60, 90), [new PowerStep(Now.AddMinutes(60), 7)]),
            ]);
        Assert.Equal([At(0, 30), At(60, 90)], book.Requests.Single(r => r.Id == a.Id).Turns.Select(t => t.Window));
        book.Advance(Now, policy);
        var idle = new ChargerSnapshot("C1", "S1", 7, ChargerStatus.Available, 0, 0, Now);
        book.ChargerReported(idle with { Status = ChargerStatus.Preparing }, Now, policy);
        book.ChargerReported(idle with { Status = ChargerStatus.Charging, PowerKw = 7 }, Now, policy);
        Assert.True(book.Cancel(b.Id, new Actor("b", false), Now).IsSuccess);

        var notices = Replan(book, policy);

        var after = book.Requests.Single(r => r.Id == a.Id);
        Assert.Equal(ChargingRequestStatus.Charging, after.Status);
        Assert.Equal([("C1", At(0, 90))], after.Turns.Select(t => (t.ChargerId, t.Window)));
        Assert.Contains(notices, n => n.Kind == ChargingNoticeKind.TurnMoved && n.Request.Id == a.Id && n.Request.LaterTurns.Count == 0);
        var hold = Assert.Single(book.PlanningInput(Now, policy).Power, p => p.RequestId == a.Id);
        Assert.Equal(At(0, 90), hold.Window);
        Assert.Equal((7.0, 0.0, 7.0), (Math.Round(hold.KwAt(Now.AddMinutes(15)), 3), Math.Round(hold.KwAt(Now.AddMinutes(45)), 3), Math.Round(hold.KwAt(Now.AddMinutes(75)), 3)));

        // The driver hears nothing about moving until ten minutes before the hold ends.
        var heard = new List<(int Minute, ChargingNoticeKind Kind)>();
        for (var minute = 5; minute <= 90; minute += 5)
        {
            heard.AddRange(book.Advance(Now.AddMinutes(minute), policy).Notices.Where(n => n.Request.Id == a.Id).Select(n => (minute, n.Kind)));
        }

        Assert.Equal(new[] { (80, ChargingNoticeKind.TurnEndingSoon), (90, ChargingNoticeKind.TurnEnded) }, heard);
    }

    [Fact]
    public void Where_another_car_needs_the_charger_next_a_later_turn_follows_it()
    {
        var policy = new ChargingPolicy { SolveBudget = TimeSpan.FromSeconds(5) };
        var (book, a) = StartedA(policy);
        var b = Submit(book, "b", 3.5, 30, 60, policy);

        var notices = Replan(book, policy);

        var after = book.Requests.Single(r => r.Id == a.Id);
        Assert.Equal(new TimeWindow(Now, Now.AddMinutes(30)), after.Turn!.Window);
        Assert.Equal(new TimeWindow(Now.AddMinutes(30), Now.AddMinutes(60)), book.Requests.Single(r => r.Id == b.Id).Turn!.Window);
        var later = Assert.Single(after.LaterTurns);
        Assert.Equal(new TimeWindow(Now.AddMinutes(60), Now.AddMinutes(90)), later.Window);
        Assert.Contains(notices, n => n.Kind == ChargingNoticeKind.TurnMoved && n.Request.Id == a.Id && n.Request.LaterTurns.Count == 1);
    }

    /// <summary>
    /// One turn per request: B needs the charger for the half hour after A's turn, so A could only go on in a later turn,
    /// which it may not have. (The charger's half hour after A's turn goes to B or to A's running turn made longer: both
    /// deliver the same.)
    /// </summary>
    [Fact]
    public void With_one_turn_per_request_no_later_turn_is_added()
    {
        var policy = new ChargingPolicy { MaxTurnsPerRequest = 1, SolveBudget = TimeSpan.FromSeconds(5) };
        var (book, a) = StartedA(policy);
        var b = Submit(book, "b", 3.5, 30, 60, policy);

        Replan(book, policy);

        var after = book.Requests.Single(r => r.Id == a.Id);
        Assert.Empty(after.LaterTurns);
        Assert.Equal(("C1", Now), (after.Turn!.ChargerId, after.Turn.Window.Start));
        if (book.Requests.Single(r => r.Id == b.Id).Turn is { } turnOfB)
        {
            Assert.False(turnOfB.Window.Overlaps(after.Turn.Window), $"B's turn {turnOfB.Window} and A's {after.Turn.Window} share the charger");
        }
    }

    /// <summary>
    /// One turn per request, and nobody needs the charger after A: making A's running turn longer is no second turn (the
    /// car stays plugged in), so A gets the hour its 7 kWh take, with its power joined into one schedule.
    /// </summary>
    [Fact]
    public void With_one_turn_per_request_the_running_turn_is_made_longer_where_the_charger_stays_free()
    {
        var policy = new ChargingPolicy { MaxTurnsPerRequest = 1, SolveBudget = TimeSpan.FromSeconds(5) };
        var (book, a) = StartedA(policy);

        var plan = TurnPlanner.PlanArea(book.PlanningInput(Now, policy), policy, Shanghai);
        var notices = book.ApplyPlan(plan.AllTurns, plan.Summary, Now, plan.PowerSchedules, plan.NextTurns);

        var after = book.Requests.Single(r => r.Id == a.Id);
        Assert.Empty(after.LaterTurns);
        Assert.Equal(("C1", Now), (after.Turn!.ChargerId, after.Turn.Window.Start));
        Assert.True(after.Turn.Window.End >= Now.AddMinutes(60), $"A's turn {after.Turn.Window} must last the hour its 7 kWh take");
        Assert.Equal(1, after.TurnsDone + after.Turns.Count);
        var power = Assert.Single(plan.PowerSchedules, p => p.RequestId == a.Id);
        Assert.Equal(after.Turn.Window, power.Window);
        Assert.Contains(notices, n => n.Kind == ChargingNoticeKind.TurnMoved && n.Request.Id == a.Id);
    }

    /// <summary>With one turn per request the running turn is made longer only on its own charger, never moved to another.</summary>
    [Fact]
    public void With_one_turn_per_request_the_stand_in_is_held_to_the_running_charger()
    {
        var policy = new ChargingPolicy { MaxTurnsPerRequest = 1, SolveBudget = TimeSpan.FromSeconds(5) };
        var (book, a) = StartedA(policy);

        var standIn = Assert.Single(TurnPlanner.InstanceOf(book.PlanningInput(Now, policy), policy, Shanghai, 1).Requests, r => r.Id.StartsWith(a.Id + "#", StringComparison.Ordinal));
        Assert.Equal(("C1", 6), (standIn.PluggedChargerId, standIn.ArrivalPeriod)); // 19:30 in periods of 5 minutes from 19:00
    }

    /// <summary>
    /// Quiet hours from 19:20 (A's turn, fixed earlier, ends inside them at 19:30): no turn may start inside them before
    /// A leaves at 21:00, so A is offered nothing more.
    /// </summary>
    [Fact]
    public void No_later_turn_starts_inside_quiet_hours()
    {
        var policy = new ChargingPolicy
        {
            SolveBudget = TimeSpan.FromSeconds(5),
            QuietHoursFrom = new TimeOnly(19, 20),
            QuietHoursUntil = new TimeOnly(23, 0),
        };
        var (book, a) = StartedA(policy);

        var input = book.PlanningInput(Now, policy);
        Assert.DoesNotContain(TurnPlanner.InstanceOf(input, policy, Shanghai, 2).Requests, r => r.Id.StartsWith(a.Id + "#", StringComparison.Ordinal));
        Replan(book, policy);

        Assert.Equal([new TimeWindow(Now, Now.AddMinutes(30))], book.Requests.Single(r => r.Id == a.Id).Turns.Select(t => t.Window));
    }

    /// <summary>As <see cref="No_later_turn_starts_inside_quiet_hours"/> with one turn per request: A's turn, ending inside quiet hours, is not made longer either.</summary>
    [Fact]
    public void With_one_turn_per_request_a_turn_ending_inside_quiet_hours_is_not_made_longer()
    {
        var policy = new ChargingPolicy
        {
            MaxTurnsPerRequest = 1,
            SolveBudget = TimeSpan.FromSeconds(5),
            QuietHoursFrom = new TimeOnly(19, 20),
            QuietHoursUntil = new TimeOnly(23, 0),
        };
        var (book, a) = StartedA(policy);

        Assert.DoesNotContain(TurnPlanner.InstanceOf(book.PlanningInput(Now, policy), policy, Shanghai, 1).Requests, r => r.Id.StartsWith(a.Id + "#", StringComparison.Ordinal));
        Replan(book, policy);

        Assert.Equal([new TimeWindow(Now, Now.AddMinutes(30))], book.Requests.Single(r => r.Id == a.Id).Turns.Select(t => t.Window));
    }
}
