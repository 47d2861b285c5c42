using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Planning.Charging;
using Xunit;

namespace Parking.Planning.Tests.Charging;

/// <summary>
/// Up to the policy's number of turns per request in a live area. One 7 kW charger on a 7 kW feed: car A stays
/// 90 minutes and needs 7 kWh (an hour), car B is there only for the middle 30 minutes and needs 3.5 kWh. In one
/// turn A gets at most half of its need beside B; in two (before and after B) both are served in full.
/// </summary>
public sealed class AreaTurnsTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 19, 0, 0, Shanghai);

    private static ChargingAreaBook NewBook()
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("A", "Area", "L1", 7, [new ChargerDefinition("C1", "S1", 7)]));
        return book;
    }

    private static Parking.Domain.Charging.ChargingRequest Submit(ChargingAreaBook book, string resident, double kwh, int fromMinutes, int toMinutes, ChargingPolicy policy) =>
        book.Submit(resident, new ChargingRequestDraft("P-" + resident, kwh, new TimeWindow(Now.AddMinutes(fromMinutes), Now.AddMinutes(toMinutes)), true),
            policy, Now, Guid.NewGuid()).Value!;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_scarce_feed_serves_a_car_in_two_turns_around_one_that_stays_briefly(int maxTurns)
    {
        var policy = new ChargingPolicy { MaxTurnsPerRequest = maxTurns, SolveBudget = TimeSpan.FromSeconds(5) };
        var book = NewBook();
        var a = Submit(book, "a", 7, 0, 90, policy);
        var b = Submit(book, "b", 3.5, 30, 60, policy);

        var plan = TurnPlanner.PlanArea(book.PlanningInput(Now, policy), policy, Shanghai);
        book.ApplyPlan(plan.AllTurns, plan.Summary, Now, plan.PowerSchedules);

        var turnsOfA = book.Requests.Single(r => r.Id == a.Id).Turns;
        if (maxTurns == 1)
        {
            // One turn: A and B cannot both be served in full (7 and 3.5 kWh need the feed's whole 90 minutes).
            Assert.True(turnsOfA.Count <= 1);
            Assert.True(EnergyOf(plan, a.Id) < 7 - 1e-6 || EnergyOf(plan, b.Id) < 3.5 - 1e-6);
            return;
        }

        Assert.Equal(
            [new TimeWindow(Now, Now.AddMinutes(30)), new TimeWindow(Now.AddMinutes(60), Now.AddMinutes(90))],
            turnsOfA.Select(t => t.Window));
        Assert.Equal(plan.Turns[a.Id], turnsOfA[0] with { SpaceId = null });
        Assert.Equal(new TimeWindow(Now.AddMinutes(30), Now.AddMinutes(60)), book.Requests.Single(r => r.Id == b.Id).Turn!.Window);
        Assert.Equal(2, plan.PowerSchedules.Count(p => p.RequestId == a.Id));
        Assert.Equal((7, 3.5), (EnergyOf(plan, a.Id), EnergyOf(plan, b.Id)));
    }

    private static double EnergyOf(TurnPlanner.AreaPlan plan, string requestId)
    {
        var kwh = 0.0;
        foreach (var schedule in plan.PowerSchedules.Where(p => p.RequestId == requestId))
        {
            for (var t = schedule.Window.Start; t < schedule.Window.End; t = t.AddMinutes(5))
            {
                kwh += schedule.KwAt(t) * 5 / 60;
            }
        }

        return Math.Round(kwh, 6);
    }

    /// <summary>
    /// While A charges in its first turn, its second stays where it was (the planner keeps it as a fixed turn), a new
    /// car is planned around it, and A's power comes back under A's id for both turns.
    /// </summary>
    [Fact]
    public void A_started_cars_later_turn_stays_and_others_are_planned_around_it()
    {
        var policy = new ChargingPolicy { SolveBudget = TimeSpan.FromSeconds(5) };
        var book = NewBook();
        var a = Submit(book, "a", 7, 0, 90, policy);
        IReadOnlyList<Parking.Domain.Charging.ChargingTurn> turnsOfA =
        [
            new("C1", new TimeWindow(Now, Now.AddMinutes(30))),
            new("C1", new TimeWindow(Now.AddMinutes(60), Now.AddMinutes(90))),
        ];
        book.ApplyPlan(new Dictionary<string, IReadOnlyList<Parking.Domain.Charging.ChargingTurn>> { [a.Id] = turnsOfA }, new PlanSummary("test", AreaPlanStatus.Optimal, Now, TimeSpan.Zero, 0, 0), Now);
        book.Advance(Now, policy);
        var c = Submit(book, "c", 7, 0, 90, policy);

        var input = book.PlanningInput(Now, policy);
        var instance = TurnPlanner.InstanceOf(input, policy, Shanghai, 2);
        Assert.Equal(2, instance.FixedTurns!.Count);
        Assert.Equal(3.5, instance.Requests.Single(r => r.Id != a.Id && r.Id != c.Id).EnergyKwh, 6);

        var plan = TurnPlanner.PlanArea(input, policy, Shanghai);
        book.ApplyPlan(plan.AllTurns, plan.Summary, Now, plan.PowerSchedules);

        Assert.Equal(2, book.Requests.Single(r => r.Id == a.Id).Turns.Count);
        var turnsOfC = book.Requests.Single(r => r.Id == c.Id).Turns;
        Assert.NotEmpty(turnsOfC);
        Assert.All(turnsOfC, t => Assert.Equal(new TimeWindow(Now.AddMinutes(30), Now.AddMinutes(60)), t.Window));
        Assert.Equal(2, plan.PowerSchedules.Count(p => p.RequestId == a.Id));
        Assert.DoesNotContain(plan.PowerSchedules, p => p.RequestId.Contains('#', StringComparison.Ordinal));
    }
}
