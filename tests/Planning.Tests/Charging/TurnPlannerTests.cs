using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Planning.Charging;
using Xunit;

namespace Parking.Planning.Tests.Charging;

/// <summary>The planner the charging area grain and the simulator share, with the policy's quiet hours.</summary>
public sealed class TurnPlannerTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>
    /// One 6 kW charger (half a kWh per 5-minute period); at 22:00 local two cars that stay until 09:00 ask for 12 kWh each. First come, first
    /// served, the first car is full at 00:00 and the second takes over then. With quiet hours 23:00–06:00 no
    /// turn may end (and none start) inside them: the first car keeps the charger until 06:00.
    /// </summary>
    [Theory]
    [InlineData(false, 0, 0)]
    [InlineData(true, 6, 6)]
    public void Turns_neither_start_nor_end_inside_the_quiet_hours(bool quiet, int firstEndsAtHour, int secondStartsAtHour)
    {
        var now = new DateTimeOffset(2026, 11, 23, 22, 0, 0, Shanghai);
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("A", "Area", "L1", 6, [new ChargerDefinition("C1", "S1", 6)]));
        var policy = new ChargingPolicy
        {
            Algorithm = "fcfs",
            QuietHoursFrom = quiet ? new TimeOnly(23, 0) : null,
            QuietHoursUntil = quiet ? new TimeOnly(6, 0) : null,
        };
        var first = book.Submit("r1", new ChargingRequestDraft("P1", 12, new TimeWindow(now, now.AddHours(11)), true), policy, now, Guid.NewGuid()).Value!;
        var second = book.Submit("r2", new ChargingRequestDraft("P2", 12, new TimeWindow(now, now.AddHours(11)), true), policy, now, Guid.NewGuid()).Value!;

        var (turns, _) = TurnPlanner.Plan(book.PlanningInput(now, policy), policy, Shanghai);

        var midnight = now.Date.AddDays(1);
        Assert.Equal(now, turns[first.Id].Window.Start);
        Assert.Equal(new DateTimeOffset(midnight.AddHours(firstEndsAtHour), Shanghai), turns[first.Id].Window.End);
        Assert.Equal(new DateTimeOffset(midnight.AddHours(secondStartsAtHour), Shanghai), turns[second.Id].Window.Start);
        if (quiet)
        {
            var quietStart = now.AddHours(1);
            var quietEnd = now.AddHours(8);
            Assert.All(turns.Values, t =>
            {
                Assert.False(t.Window.Start > quietStart && t.Window.Start < quietEnd, $"a turn starts at {t.Window.Start}");
                Assert.False(t.Window.End > quietStart && t.Window.End < quietEnd, $"a turn ends at {t.Window.End}");
            });
        }
    }

    [Fact]
    public void Quiet_hours_become_period_ranges_of_the_instance_in_local_time()
    {
        var now = new DateTimeOffset(2026, 11, 23, 22, 0, 0, Shanghai);
        var input = new AreaPlanningInput(now, now, TimeSpan.FromMinutes(5), [], 7, [], []);
        var policy = new ChargingPolicy { QuietHoursFrom = new TimeOnly(23, 0), QuietHoursUntil = new TimeOnly(6, 0) };

        // 30 hours of 5-minute periods from 22:00: tonight's quiet hours are periods 12–96, tomorrow night's from 300.
        var ranges = TurnPlanner.QuietPeriods(input, 360, policy, Shanghai)!;

        Assert.Contains(new PeriodRange(12, 96), ranges);
        Assert.Contains(ranges, r => r.Start == 300);
        Assert.Null(TurnPlanner.QuietPeriods(input, 360, new ChargingPolicy(), Shanghai));
    }

    /// <summary>
    /// Two cars for one 6 kW charger: the plan's power per period comes back as one schedule per turn, on the
    /// turn's charger and window, whose energy is what the turn delivers (what a charging profile sends).
    /// </summary>
    [Fact]
    public void Every_turn_comes_with_its_power_per_period()
    {
        var now = new DateTimeOffset(2026, 11, 23, 18, 0, 0, Shanghai);
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("A", "Area", "L1", 6, [new ChargerDefinition("C1", "S1", 6)]));
        var policy = new ChargingPolicy { Algorithm = "fcfs" };
        book.Submit("r1", new ChargingRequestDraft("P1", 5, new TimeWindow(now, now.AddHours(4)), true), policy, now, Guid.NewGuid());
        book.Submit("r2", new ChargingRequestDraft("P2", 5, new TimeWindow(now, now.AddHours(4)), true), policy, now, Guid.NewGuid());

        var plan = TurnPlanner.PlanArea(book.PlanningInput(now, policy), policy, Shanghai);

        Assert.Equal(2, plan.PowerSchedules.Count);
        foreach (var schedule in plan.PowerSchedules)
        {
            var turn = plan.Turns[schedule.RequestId];
            Assert.Equal((turn.ChargerId, turn.Window), (schedule.ChargerId, schedule.Window));
            Assert.Equal(schedule.Window.Start, schedule.Steps[0].Start);
            Assert.True(schedule.Steps.Zip(schedule.Steps.Skip(1)).All(p => p.First.Start < p.Second.Start && p.First.Kw != p.Second.Kw));
            var kwh = 0.0;
            for (var t = schedule.Window.Start; t < schedule.Window.End; t = t.AddMinutes(5)) kwh += schedule.KwAt(t) * 5 / 60;
            Assert.Equal(5, kwh, 6);
            Assert.Equal(0, schedule.KwAt(schedule.Window.End));
        }
    }
}
