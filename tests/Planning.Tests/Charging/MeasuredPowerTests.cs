using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Planning.Charging;
using Xunit;

namespace Parking.Planning.Tests.Charging;

/// <summary>
/// What a car on its charger is measured drawing, read from the charger's recent reports rather than the last one
/// alone. One 7 kW charger on a 7 kW feed; A needs 3.5 kWh within two hours and its half-hour turn is planned at 7 kW.
/// The car plugs in at 19:00 and the charger reports every minute, as a connected charger's meter values come; the
/// area re-plans at 19:04, after the fifth report.
/// </summary>
public sealed class MeasuredPowerTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 19, 0, 0, Shanghai);
    private static readonly ChargingPolicy Policy = new() { SolveBudget = TimeSpan.FromSeconds(5) };

    /// <summary>A's car plugged in at 19:00, then one report a minute drawing <paramref name="kw"/> (the meter adding up what it drew).</summary>
    private static (ChargingAreaBook Book, Parking.Domain.Charging.ChargingRequest A) Plugged(params double[] kw)
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("A", "Area", "L1", 7, [new ChargerDefinition("C1", "S1", 7)]));
        var a = book.Submit("a", new ChargingRequestDraft("P-a", 3.5, new TimeWindow(Now, Now.AddMinutes(120)), true), Policy, Now, Guid.NewGuid()).Value!;
        var window = new TimeWindow(Now, Now.AddMinutes(30));
        book.ApplyPlan(
            new Dictionary<string, IReadOnlyList<Parking.Domain.Charging.ChargingTurn>> { [a.Id] = [new("C1", window)] },
            new PlanSummary("test", AreaPlanStatus.Optimal, Now, TimeSpan.Zero, 0, 0), Now,
            [new TurnPowerSchedule(a.Id, "C1", window, [new PowerStep(Now, 7)])]);
        book.Advance(Now, Policy);
        var idle = new ChargerSnapshot("C1", "S1", 7, ChargerStatus.Available, 0, 100, Now);
        book.ChargerReported(idle with { Status = ChargerStatus.Preparing }, Now, Policy);
        var meter = 100.0;
        for (var minute = 0; minute < kw.Length; minute++)
        {
            var at = Now.AddMinutes(minute);
            meter += minute == 0 ? 0 : kw[minute - 1] / 60;
            book.ChargerReported(idle with { Status = ChargerStatus.Charging, PowerKw = kw[minute], EnergyMeterKwh = Math.Round(meter, 3), ReportedAt = at }, at, Policy);
        }

        Assert.Equal(ChargingRequestStatus.Charging, book.Requests.Single(r => r.Id == a.Id).Status);
        return (book, book.Requests.Single(r => r.Id == a.Id));
    }

    private static double? Measured(ChargingAreaBook book, Parking.Domain.Charging.ChargingRequest a) =>
        TurnPlanner.MeasuredKw(book.PlanningInput(Now.AddMinutes(4), Policy), a, a.Turn!);

    /// <summary>
    /// A car that takes 3.6 kW of the 7 it is given, with one odd report among five (a spike to 7 kW, a dip to 0.8 kW,
    /// first or last), is measured at 3.6 kW; a car that takes what it is given, with one odd low report, is measured
    /// as taking all it is given (null), where the last report alone would say 0.8 kW.
    /// </summary>
    [Theory]
    [InlineData(new[] { 3.6, 3.55, 3.6, 3.65, 7.0 }, 3.6)]
    [InlineData(new[] { 7.0, 3.6, 3.55, 3.6, 3.65 }, 3.6)]
    [InlineData(new[] { 3.6, 3.55, 0.8, 3.65, 3.6 }, 3.6)]
    [InlineData(new[] { 6.95, 7.0, 7.0, 6.98, 0.8 }, null)]
    [InlineData(new[] { 0.8, 6.95, 7.0, 7.0, 6.98 }, null)]
    public void One_odd_report_does_not_change_what_the_car_is_measured_drawing(double[] reports, double? measured)
    {
        var (book, a) = Plugged(reports);

        Assert.Equal(reports.Length, book.RecentReadings("C1").Count);
        Assert.Equal(measured, Measured(book, a));
    }

    /// <summary>
    /// A charger's reports are kept for fifteen minutes: after twenty minutes at 3.6 kW and then a quarter of an hour at
    /// 7 kW the car is measured as taking all it is given; reports from an earlier car on the charger never count.
    /// </summary>
    [Fact]
    public void Old_reports_and_another_cars_reports_do_not_count()
    {
        var (book, a) = Plugged([.. Enumerable.Repeat(3.6, 20), .. Enumerable.Repeat(7.0, 16)]);

        Assert.All(book.RecentReadings("C1"), r => Assert.Equal(7.0, r.PowerKw));
        Assert.Null(TurnPlanner.MeasuredKw(book.PlanningInput(Now.AddMinutes(35), Policy), a, a.Turn!));

        var unplugged = book.Chargers["C1"] with { Status = ChargerStatus.Available, PowerKw = 0, ReportedAt = Now.AddMinutes(36) };
        book.ChargerReported(unplugged, Now.AddMinutes(36), Policy);
        Assert.Empty(book.RecentReadings("C1"));
    }

    /// <summary>
    /// The re-plan at 19:04 acts on the measure: a car at 3.6 kW with one last report at 7 kW gets its turn made longer
    /// for what it would lack at 3.6 kW; a car at 7 kW with one last report at 0.8 kW keeps its half hour, which gives it
    /// its 3.5 kWh.
    /// </summary>
    [Theory]
    [InlineData(new[] { 3.6, 3.55, 3.6, 3.65, 7.0 }, true)]
    [InlineData(new[] { 6.95, 7.0, 7.0, 6.98, 0.8 }, false)]
    public void The_re_plan_follows_the_car_not_its_last_report(double[] reports, bool longer)
    {
        var (book, a) = Plugged(reports);
        var at = Now.AddMinutes(4);

        var plan = TurnPlanner.PlanArea(book.PlanningInput(at, Policy), Policy, Shanghai);
        book.ApplyPlan(plan.AllTurns, plan.Summary, at, plan.PowerSchedules, plan.NextTurns);

        var after = book.Requests.Single(r => r.Id == a.Id);
        Assert.Equal(("C1", Now), (after.Turn!.ChargerId, after.Turn.Window.Start));
        if (longer)
        {
            Assert.True(after.Turn.Window.End > Now.AddMinutes(30) || after.LaterTurns.Count > 0, $"A's turn {after.Turn.Window} must give it more than its half hour");
        }
        else
        {
            Assert.Equal((Now.AddMinutes(30), 0), (after.Turn.Window.End, after.LaterTurns.Count));
        }
    }
}
