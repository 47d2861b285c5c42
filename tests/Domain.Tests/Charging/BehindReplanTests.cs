using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Xunit;

namespace Parking.Domain.Tests.Charging;

/// <summary>
/// A meter report that shows the car on a charger cannot get what it still needs by its turn's end, at the power it
/// draws now, asks for a re-plan; at most once per car per <see cref="ChargingPolicy.BehindReplanEvery"/>. One 7 kW
/// charger; the car needs 7 kWh in its hour-long turn from 18:00.
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
        book.ChargerReported(Meter(book, ChargerStatus.Preparing, 0, 100), Now, Policy);
        Assert.Equal(ChargingRequestStatus.Charging, book.Requests.Single().Status);
        return (book, request.Id);
    }

    private static ChargerSnapshot Meter(ChargingAreaBook book, ChargerStatus status, double kw, double meter) =>
        book.Chargers["C-1"] with { Status = status, PowerKw = kw, EnergyMeterKwh = meter };

    [Fact]
    public void A_car_on_plan_does_not_re_plan_and_one_behind_does_once_per_spacing()
    {
        var (book, _) = Charging();

        // 7 kW for the hour: on plan.
        Assert.False(book.ChargerReported(Meter(book, ChargerStatus.Charging, 7, 100), Now, Policy).Replan);
        Assert.False(book.ChargerReported(Meter(book, ChargerStatus.Charging, 7, 103.5), Now.AddMinutes(30), Policy).Replan);

        // 3 kW for the 20 minutes left gives 1 of the 2.5 kWh it lacks.
        Assert.True(book.ChargerReported(Meter(book, ChargerStatus.Charging, 3, 104.5), Now.AddMinutes(40), Policy).Replan);
        Assert.False(book.ChargerReported(Meter(book, ChargerStatus.Charging, 3, 104.6), Now.AddMinutes(41), Policy).Replan);
        Assert.False(book.ChargerReported(Meter(book, ChargerStatus.Charging, 3, 104.9), Now.AddMinutes(49), Policy).Replan);
        Assert.True(book.ChargerReported(Meter(book, ChargerStatus.Charging, 3, 105), Now.AddMinutes(50), Policy).Replan);
    }

    [Fact]
    public void The_spacing_is_the_policys_and_a_car_that_catches_up_asks_nothing()
    {
        var (book, _) = Charging();
        var policy = new ChargingPolicy { BehindReplanEvery = TimeSpan.FromMinutes(2) };

        Assert.True(book.ChargerReported(Meter(book, ChargerStatus.Charging, 3, 101), Now.AddMinutes(10), policy).Replan);
        Assert.False(book.ChargerReported(Meter(book, ChargerStatus.Charging, 3, 101.05), Now.AddMinutes(11), policy).Replan);
        Assert.True(book.ChargerReported(Meter(book, ChargerStatus.Charging, 3, 101.1), Now.AddMinutes(12), policy).Replan);

        // Back at full power with what is left within reach: nothing to re-plan for.
        Assert.False(book.ChargerReported(Meter(book, ChargerStatus.Charging, 7, 102.5), Now.AddMinutes(20), policy).Replan);

        // A car that is full draws little and needs nothing more.
        Assert.False(book.ChargerReported(Meter(book, ChargerStatus.Charging, 0.2, 107), Now.AddMinutes(55), policy).Replan);
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
        book.ChargerReported(Meter(book, ChargerStatus.Preparing, 0, 100), Now, Policy);

        Assert.False(book.ChargerReported(Meter(book, ChargerStatus.Charging, 0, 100), Now.AddMinutes(10), Policy).Replan);
        Assert.False(book.ChargerReported(Meter(book, ChargerStatus.Charging, 7, 100), Now.AddMinutes(30), Policy).Replan);
        Assert.True(book.ChargerReported(Meter(book, ChargerStatus.Charging, 3, 100.5), Now.AddMinutes(35), Policy).Replan);
    }
}
