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

    /// <summary>
    /// The demo case (area CA-G1): 25 chargers of 7 kW on an 88 kW feed, quiet hours 23:00–06:00. At 22:00 twelve
    /// drivers staying until 07:00 take twelve chargers and nearly all the feed (84 kW). At 23:10 three more arrive:
    /// thirteen chargers are idle, so each plugs into one at once and is told its turn (not "waiting"), drawing only
    /// what the feed has left (0 kW while it is full) until the others are full; nobody moves a car at night, no charger
    /// is held by two cars, and the planned power never exceeds the feed at any instant.
    /// </summary>
    [Fact]
    public void A_car_arriving_in_quiet_hours_plugs_into_an_idle_charger_and_waits_for_the_feed()
    {
        var evening = new DateTimeOffset(2026, 11, 23, 22, 0, 0, Shanghai);
        var departure = evening.AddHours(9);
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("CA-G1", "Garage 1", "G1", 88,
            [.. Enumerable.Range(1, 25).Select(i => new ChargerDefinition($"C{i:00}", $"S{i:00}", 7))]));
        var policy = new ChargingPolicy
        {
            QuietHoursFrom = new TimeOnly(23, 0),
            QuietHoursUntil = new TimeOnly(6, 0),
            SolveBudget = TimeSpan.FromSeconds(5),
        };
        void Plan(DateTimeOffset now)
        {
            var plan = TurnPlanner.PlanArea(book.PlanningInput(now, policy), policy, Shanghai);
            book.ApplyPlan(plan.Turns, plan.Summary, now, plan.PowerSchedules);
        }
        var first = Enumerable.Range(1, 12).Select(i => book.Submit($"r{i}",
            new ChargingRequestDraft($"P{i}", 45, new TimeWindow(evening, departure), true), policy, evening, Guid.NewGuid()).Value!.Id).ToList();
        Plan(evening);
        book.Advance(evening, policy);
        Assert.All(first, id => Assert.Equal(ChargingRequestStatus.Called, book.Requests.Single(r => r.Id == id).Status));

        var late = evening.AddMinutes(70);
        var arriving = Enumerable.Range(13, 3).Select(i => book.Submit($"r{i}",
            new ChargingRequestDraft($"P{i}", 20, new TimeWindow(late, departure), true), policy, late, Guid.NewGuid()).Value!.Id).ToList();
        Plan(late);

        foreach (var id in arriving)
        {
            var request = book.Requests.Single(r => r.Id == id);
            Assert.Equal(ChargingRequestStatus.Scheduled, request.Status);
            Assert.Equal(late, request.Turn!.Window.Start);
            Assert.True(request.Turn.Window.End >= evening.AddHours(8), "nobody moves a car inside the quiet hours");
        }
        var holders = book.Requests.Where(r => r.Turn is not null).ToList();
        Assert.Equal(15, holders.Select(r => r.Turn!.ChargerId).Distinct().Count());
        var schedules = book.PowerSchedules;
        for (var t = late; t < departure; t = t.AddMinutes(5))
        {
            var instant = t;
            Assert.True(schedules.Sum(s => s.KwAt(instant)) <= 88 + 1e-3, $"the feed is exceeded at {instant}");
            Assert.All(schedules, s => Assert.True(s.KwAt(instant) <= 7 + 1e-9));
        }
        // Everyone is served in full by 07:00: 12 x 45 + 3 x 20 = 600 kWh, within 88 kW for 9 hours.
        foreach (var schedule in schedules.Where(s => arriving.Contains(s.RequestId)))
        {
            var kwh = 0.0;
            for (var t = schedule.Window.Start; t < schedule.Window.End; t = t.AddMinutes(5)) kwh += schedule.KwAt(t) * 5 / 60;
            Assert.Equal(20, kwh, 3);
        }
    }
}
