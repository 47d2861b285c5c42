using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Xunit;

namespace Parking.Domain.Tests.Charging;

/// <summary>
/// Meter reports that show the car on a charger cannot get what it still needs by its turn's end, at the power it
/// draws (the median of its recent reports, read as the planner reads them), ask for a re-plan; at most once per car
/// per <see cref="ChargingPolicy.BehindReplanEvery"/>. One 7 kW charger; the car needs 7 kWh in its hour-long turn
/// from 18:00. Each report carries its time.
/// </summary>
public sealed class BehindReplanTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
    private static readonly ChargingPolicy Policy = new();

    private static (ChargingAreaBook Book, string Id) Charging()
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("CA-1", "Area", "G1", 7, [new ChargerDefinition("C-1", "G1-001", 7)]));
        var request = book.Submit("r1", new ChargingRequestDraft("P-1", 7, new TimeWindow(Now, Now.AddHours(4)), true), Policy, Now, Guid.NewGuid()).Value!;
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [request.Id] = new("C-1", new TimeWindow(Now, Now.AddHours(1))) }, new PlanSummary("test", AreaPlanStatus.Optimal, Now, TimeSpan.Zero, 0, 0), Now);
        book.Advance(Now, Policy);
        book.ChargerReported(Meter(book, ChargerStatus.Preparing, 0, 100, Now), Now, Policy);
        Assert.Equal(ChargingRequestStatus.Charging, book.Requests.Single().Status);
        return (book, request.Id);
    }

    private static ChargerSnapshot Meter(ChargingAreaBook book, ChargerStatus status, double kw, double meter, DateTimeOffset at) =>
        book.Chargers["C-1"] with { Status = status, PowerKw = kw, EnergyMeterKwh = meter, ReportedAt = at };

    private static bool Report(ChargingAreaBook book, double kw, double meter, DateTimeOffset at, ChargingPolicy policy) =>
        book.ChargerReported(Meter(book, ChargerStatus.Charging, kw, meter, at), at, policy).Replan;

    [Fact]
    public void A_car_on_plan_does_not_re_plan_and_one_behind_does_once_per_spacing()
    {
        var (book, _) = Charging();

        // 7 kW for the hour: on plan.
        Assert.False(Report(book, 7, 100, Now, Policy));
        Assert.False(Report(book, 7, 103.5, Now.AddMinutes(30), Policy));

        // 3 kW for the 20 minutes left gives 1 of the 2.3 kWh it lacks (7 kW would give 2.33): one such report beside
        // the 7 kW one is not yet the car's draw; a second is (two of the three within the window).
        Assert.False(Report(book, 3, 104.7, Now.AddMinutes(40), Policy));
        Assert.True(Report(book, 3, 104.75, Now.AddMinutes(41), Policy));
        Assert.False(Report(book, 3, 104.8, Now.AddMinutes(42), Policy));
        Assert.False(Report(book, 3, 105.15, Now.AddMinutes(50), Policy));
        Assert.True(Report(book, 3, 105.2, Now.AddMinutes(51), Policy));
    }

    /// <summary>
    /// The area is stored and restored (a restart, or its grain re-activated elsewhere) right after a car behind asked
    /// for a re-plan: the restored area still knows when it asked, so the next low report within the spacing asks
    /// nothing, and one after the spacing does.
    /// </summary>
    [Fact]
    public void A_restored_area_keeps_the_spacing_of_a_car_that_just_asked()
    {
        var (book, _) = Charging();
        Assert.False(Report(book, 7, 100, Now, Policy));
        Assert.False(Report(book, 7, 103.5, Now.AddMinutes(30), Policy));
        Assert.False(Report(book, 3, 104.7, Now.AddMinutes(40), Policy));
        Assert.True(Report(book, 3, 104.75, Now.AddMinutes(41), Policy));

        var restored = ChargingAreaBook.Restore(book.Snapshot(), "c");
        Assert.Equal(Now.AddMinutes(41), Assert.Single(restored.Snapshot().BehindReplannedAt!).Value);
        Assert.False(Report(restored, 3, 104.8, Now.AddMinutes(42), Policy));
        Assert.False(Report(restored, 3, 105.15, Now.AddMinutes(50), Policy));
        Assert.True(Report(restored, 3, 105.2, Now.AddMinutes(51), Policy));

        // Once the spacing has passed with nothing asked, the record goes and an idle area stores none.
        restored.Prune(Now.AddMinutes(62), Policy);
        Assert.Null(restored.Snapshot().BehindReplannedAt);
    }

    [Fact]
    public void The_spacing_is_the_policys_and_a_car_that_catches_up_asks_nothing()
    {
        var (book, _) = Charging();
        var policy = new ChargingPolicy { BehindReplanEvery = TimeSpan.FromMinutes(2) };

        // The first report since plug-in is all there is to read.
        Assert.True(Report(book, 3, 101, Now.AddMinutes(10), policy));
        Assert.False(Report(book, 3, 101.05, Now.AddMinutes(11), policy));
        Assert.True(Report(book, 3, 101.1, Now.AddMinutes(12), policy));

        // Back at full power (the 3 kW reports out of the window) with what is left within reach: nothing to re-plan for.
        Assert.False(Report(book, 7, 103.7, Now.AddMinutes(30), policy));

        // A car that is full draws little and needs nothing more.
        Assert.False(Report(book, 0.2, 107, Now.AddMinutes(55), policy));
    }

    /// <summary>
    /// With the plan's power schedule for the turn (the feed shared: 0 kW for the first half hour, then 7 kW; the car
    /// needs 3.5 kWh): drawing nothing while the plan gives nothing is no delay, nor is drawing the plan's power; drawing
    /// 3 kW when the plan gives 7 is.
    /// </summary>
    [Fact]
    public void Against_a_power_schedule_only_drawing_less_than_the_plan_gives_now_is_behind()
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("CA-1", "Area", "G1", 7, [new ChargerDefinition("C-1", "G1-001", 7)]));
        var request = book.Submit("r1", new ChargingRequestDraft("P-1", 3.5, new TimeWindow(Now, Now.AddHours(4)), true), Policy, Now, Guid.NewGuid()).Value!;
        var turn = new TimeWindow(Now, Now.AddHours(1));
        TurnPowerSchedule[] power = [new(request.Id, "C-1", turn, [new(Now, 0), new(Now.AddMinutes(30), 7)])];
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [request.Id] = new("C-1", turn) }, new PlanSummary("test", AreaPlanStatus.Optimal, Now, TimeSpan.Zero, 0, 0), Now, power);
        book.Advance(Now, Policy);
        book.ChargerReported(Meter(book, ChargerStatus.Preparing, 0, 100, Now), Now, Policy);

        Assert.False(Report(book, 0, 100, Now.AddMinutes(10), Policy));
        Assert.False(Report(book, 7, 100, Now.AddMinutes(30), Policy));
        Assert.False(Report(book, 3, 100.5, Now.AddMinutes(35), Policy));
        Assert.True(Report(book, 3, 100.55, Now.AddMinutes(36), Policy));
    }

    /// <summary>
    /// Minute-by-minute reports of a car that needs 6 kWh in its hour on a 7 kW charger: a single 2 kW reading among
    /// full-power ones asks nothing (the last report alone would have); a sustained 3 kW draw asks once most of the
    /// reports kept (nine at most) show it.
    /// </summary>
    [Fact]
    public void One_odd_low_reading_asks_nothing_and_a_sustained_shortfall_does()
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("CA-1", "Area", "G1", 7, [new ChargerDefinition("C-1", "G1-001", 7)]));
        var request = book.Submit("r1", new ChargingRequestDraft("P-1", 6, new TimeWindow(Now, Now.AddHours(4)), true), Policy, Now, Guid.NewGuid()).Value!;
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [request.Id] = new("C-1", new TimeWindow(Now, Now.AddHours(1))) }, new PlanSummary("test", AreaPlanStatus.Optimal, Now, TimeSpan.Zero, 0, 0), Now);
        book.Advance(Now, Policy);
        book.ChargerReported(Meter(book, ChargerStatus.Preparing, 0, 100, Now), Now, Policy);

        var meter = 100.0;
        var asked = new List<int>();
        for (var minute = 1; minute <= 40; minute++)
        {
            var kw = minute == 12 ? 2 : minute >= 25 ? 3 : 7;
            meter += kw / 60.0;
            if (Report(book, kw, meter, Now.AddMinutes(minute), Policy))
            {
                asked.Add(minute);
            }
        }

        // The dip at 12 asks nothing; from 25 at 3 kW, the fifth such report (29) is the nine kept's median, and the
        // policy's ten-minute spacing allows the next at 39.
        Assert.Equal([29, 39], asked);
        Assert.Equal(ChargingRequestStatus.Charging, book.Requests.Single().Status);
    }
}
