using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Planning.Charging;
using Xunit;

namespace Parking.Planning.Tests.Charging;

/// <summary>A live area's plan keeps each phase of the feed, as the area book checks when it applies the plan.</summary>
public sealed class AreaPhaseTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 19, 0, 0, Shanghai);

    /// <summary>
    /// A 30 kW feed (10 kW a phase), two single-phase 7 kW chargers on L1 and one on L2, three cars there for two hours
    /// wanting 14 kWh each. The planner is told the phases, so it shares L1's 10 kW between the two cars on it instead of
    /// giving both their full 7 kW (14 kW on L1, which the book refuses, leaving one car waiting): every car keeps its
    /// turn, L1 never carries more than 10 kW, and the plan delivers the most there is, 10 + 10 + 14 = 34 kWh.
    /// </summary>
    [Fact]
    public void The_area_plan_shares_a_phase_so_the_book_accepts_every_turn() =>
        PlanEveryTurnWithin(Area(), l1LimitKw: 10, expectedKwh: 34);

    /// <summary>
    /// The same area with its own limits: 20 kW a phase and at most 8 kW between any two phases. With L3 empty, L1 and L2
    /// may carry 8 kW each; the planner is told the imbalance limit, so the two L1 cars share 8 kW and the L2 car takes
    /// its 7 kW: every turn is accepted, and the plan delivers (8 + 7) x 2 = 30 kWh. Told only the phase limit, it gave
    /// both L1 cars 7 kW and the book left one waiting.
    /// </summary>
    [Fact]
    public void The_area_plan_keeps_the_area_imbalance_limit_so_the_book_accepts_every_turn() =>
        PlanEveryTurnWithin(Area() with { PhaseLimitKw = 20, PhaseImbalanceKw = 8 }, l1LimitKw: 8, expectedKwh: 30);

    /// <summary>A 30 kW feed, two single-phase 7 kW chargers on L1 and one on L2.</summary>
    private static ChargingAreaDefinition Area() => new("A", "Area", "L1", 30,
    [
        new ChargerDefinition("C1", "S1", 7) { Phase = ChargerPhase.L1 },
        new ChargerDefinition("C2", "S2", 7) { Phase = ChargerPhase.L1 },
        new ChargerDefinition("C3", "S3", 7) { Phase = ChargerPhase.L2 },
    ]);

    /// <summary>
    /// Three cars there for two hours wanting 14 kWh each, planned and applied to the area's book: every request is
    /// scheduled, the two chargers on L1 never carry more than <paramref name="l1LimitKw"/> together, and the plan
    /// delivers <paramref name="expectedKwh"/>.
    /// </summary>
    private static void PlanEveryTurnWithin(ChargingAreaDefinition area, double l1LimitKw, double expectedKwh)
    {
        var policy = new ChargingPolicy { SolveBudget = TimeSpan.FromSeconds(5) };
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(area);
        var ids = Enumerable.Range(1, 3).Select(i => book.Submit($"r{i}", new ChargingRequestDraft($"P-{i}", 14, new TimeWindow(Now, Now.AddHours(2)), true),
            policy, Now, Guid.NewGuid()).Value!.Id).ToList();

        var plan = TurnPlanner.PlanArea(book.PlanningInput(Now, policy), policy, Shanghai);
        book.ApplyPlan(plan.AllTurns, plan.Summary, Now, plan.PowerSchedules);

        Assert.All(ids, id => Assert.Equal(ChargingRequestStatus.Scheduled, book.Requests.Single(r => r.Id == id).Status));
        var onL1 = plan.PowerSchedules.Where(p => p.ChargerId is "C1" or "C2").ToList();
        for (var at = Now; at < Now.AddHours(2); at = at.AddMinutes(5))
            Assert.True(onL1.Sum(p => p.Window.Contains(at) ? p.KwAt(at) : 0) <= l1LimitKw + 1e-3, $"L1 carries more than {l1LimitKw} kW at {at:HH:mm}");
        var energy = plan.PowerSchedules.Sum(p => Enumerable.Range(0, 24).Select(k => Now.AddMinutes(5 * k)).Sum(at => p.Window.Contains(at) ? p.KwAt(at) / 12 : 0));
        Assert.Equal(expectedKwh, energy, 2);
    }
}
