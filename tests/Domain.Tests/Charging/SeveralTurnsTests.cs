using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Ocpp;
using Xunit;

namespace Parking.Domain.Tests.Charging;

/// <summary>
/// A request served in several turns: "plug in at 19:00, move the car at 20:00, plug in again at 22:00". The area
/// keeps every turn, calls the driver for each, and sends each its power.
/// </summary>
public sealed class SeveralTurnsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
    private static readonly ChargingPolicy Policy = new();

    private static ChargingAreaBook NewBook(double capacityKw = 7, int chargers = 1)
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition(
            "CA-1", "Area", "G1", capacityKw,
            [.. Enumerable.Range(1, chargers).Select(i => new ChargerDefinition($"C-{i}", $"G1-00{i}", 7))]));
        return book;
    }

    private static ChargingRequest Submit(ChargingAreaBook book, string resident, double fromHours, double toHours, double kwh = 10, bool canMove = true)
    {
        var draft = new ChargingRequestDraft("P-" + resident, kwh, new TimeWindow(Now.AddHours(fromHours), Now.AddHours(toHours)), canMove);
        return book.Submit(resident, draft, Policy, Now, Guid.NewGuid()).Value!;
    }

    private static ChargingTurn Turn(string charger, double fromHours, double toHours, string? space = null) =>
        new(charger, new TimeWindow(Now.AddHours(fromHours), Now.AddHours(toHours)), space);

    private static PlanSummary Summary => new("test", AreaPlanStatus.Optimal, Now, TimeSpan.Zero, 0, 0);

    private static ChargingRequest Get(ChargingAreaBook book, string id) => book.Requests.Single(r => r.Id == id);

    private static ChargerSnapshot Report(ChargingAreaBook book, string charger, ChargerStatus status, double meter) =>
        book.Chargers[charger] with { Status = status, EnergyMeterKwh = meter };

    private static Dictionary<string, IReadOnlyList<ChargingTurn>> Plan(params (string Id, ChargingTurn[] Turns)[] turns) =>
        turns.ToDictionary(t => t.Id, t => (IReadOnlyList<ChargingTurn>)t.Turns, StringComparer.Ordinal);

    [Fact]
    public void A_request_keeps_both_turns_and_is_called_to_each_and_told_to_move_between_them()
    {
        var book = NewBook();
        var request = Submit(book, "r1", 0, 6);

        var planned = book.ApplyPlan(Plan((request.Id, [Turn("C-1", 1, 2), Turn("C-1", 3, 4)])), Summary, Now);
        Assert.Equal(ChargingNoticeKind.TurnScheduled, Assert.Single(planned).Kind);
        var scheduled = Get(book, request.Id);
        Assert.Equal([Turn("C-1", 1, 2, "G1-001"), Turn("C-1", 3, 4, "G1-001")], scheduled.Turns);
        Assert.Equal(Turn("C-1", 1, 2, "G1-001"), scheduled.Turn);
        Assert.Equal(2, book.View(Now).Requests.Single().Turns.Count);

        Assert.Equal(ChargingNoticeKind.PlugInNow, Assert.Single(book.Advance(Now.AddHours(1), Policy).Notices).Kind);
        book.ChargerReported(Report(book, "C-1", ChargerStatus.Charging, 100), Now.AddHours(1.05), Policy);
        book.ChargerReported(Report(book, "C-1", ChargerStatus.Charging, 106), Now.AddHours(1.9), Policy);
        Assert.Equal(ChargingNoticeKind.TurnEndingSoon, Assert.Single(book.Advance(Now.AddHours(2) - Policy.MoveNotice, Policy).Notices).Kind);

        // The first turn ends: move the car, it is scheduled on its second turn, with the meter it had.
        var ended = Assert.Single(book.Advance(Now.AddHours(2), Policy).Notices);
        Assert.Equal(ChargingNoticeKind.TurnEnded, ended.Kind);
        Assert.Equal(Turn("C-1", 1, 2, "G1-001"), ended.EndedTurn);
        var between = Get(book, request.Id);
        Assert.Equal((ChargingRequestStatus.Scheduled, 1, 6.0), (between.Status, between.TurnsDone, between.DeliveredKwh));
        Assert.Equal([Turn("C-1", 3, 4, "G1-001")], between.Turns);
        Assert.Null(between.PluggedAt);
        Assert.Equal(Now.AddHours(3), book.NextDue(Policy));

        // Unplugged after its turn: nothing happens to the request.
        Assert.Empty(book.ChargerReported(Report(book, "C-1", ChargerStatus.Available, 106), Now.AddHours(2.1), Policy).Notices);

        var again = Assert.Single(book.Advance(Now.AddHours(3), Policy).Notices);
        Assert.Equal((ChargingNoticeKind.PlugInNow, Now.AddHours(3)), (again.Kind, again.Request.Turn!.Window.Start));
        book.ChargerReported(Report(book, "C-1", ChargerStatus.Charging, 106), Now.AddHours(3.05), Policy);
        book.ChargerReported(Report(book, "C-1", ChargerStatus.Charging, 109), Now.AddHours(3.5), Policy);
        Assert.Equal(9, Get(book, request.Id).DeliveredKwh, 3);
        book.Advance(Now.AddHours(4) - Policy.MoveNotice, Policy);
        var last = book.Advance(Now.AddHours(4), Policy).Notices.Single();
        Assert.Equal((ChargingNoticeKind.TurnEnded, ChargingRequestStatus.Completed), (last.Kind, last.Request.Status));
        Assert.Null(last.EndedTurn);
    }

    [Fact]
    public void A_car_moved_before_its_first_turn_ends_comes_back_for_the_next_and_a_full_car_does_not()
    {
        var book = NewBook(capacityKw: 14, chargers: 2);
        var short_ = Submit(book, "r1", 0, 6, kwh: 10);
        var full = Submit(book, "r2", 0, 6, kwh: 3);
        book.ApplyPlan(Plan((short_.Id, [Turn("C-1", 0, 1), Turn("C-2", 3, 4)]), (full.Id, [Turn("C-2", 0, 1), Turn("C-1", 3, 4)])), Summary, Now);
        book.Advance(Now, Policy);
        book.ChargerReported(Report(book, "C-1", ChargerStatus.Charging, 0), Now.AddMinutes(1), Policy);
        book.ChargerReported(Report(book, "C-2", ChargerStatus.Charging, 0), Now.AddMinutes(1), Policy);
        book.ChargerReported(Report(book, "C-2", ChargerStatus.Charging, 3), Now.AddMinutes(40), Policy);

        var moved = book.ChargerReported(Report(book, "C-1", ChargerStatus.Available, 5), Now.AddMinutes(50), Policy);
        Assert.True(moved.Replan);
        Assert.Equal(ChargingNoticeKind.TurnEnded, Assert.Single(moved.Notices).Kind);
        Assert.Equal((ChargingRequestStatus.Scheduled, "C-2"), (Get(book, short_.Id).Status, Get(book, short_.Id).Turn!.ChargerId));

        var done = book.ChargerReported(Report(book, "C-2", ChargerStatus.Available, 3), Now.AddMinutes(50), Policy);
        Assert.Equal(ChargingNoticeKind.Completed, Assert.Single(done.Notices).Kind);
        Assert.Empty(Get(book, full.Id).LaterTurns);
    }

    [Fact]
    public void A_later_turn_that_does_not_fit_goes_and_a_driver_who_cannot_move_gets_one_turn()
    {
        var book = NewBook(capacityKw: 7, chargers: 1);
        var first = Submit(book, "r1", 0, 6);
        var second = Submit(book, "r2", 0, 6, canMove: false);
        book.ApplyPlan(Plan((second.Id, [Turn("C-1", 4, 5), Turn("C-1", 5, 6)]), (first.Id, [Turn("C-1", 0, 1), Turn("C-1", 4, 5)])), Summary, Now);

        // The driver who cannot come back holds the charger until departure, so the other's second turn has no room.
        Assert.Equal([Turn("C-1", 4, 6, "G1-001")], Get(book, second.Id).Turns);
        Assert.Equal([Turn("C-1", 0, 1, "G1-001")], Get(book, first.Id).Turns);
    }

    [Fact]
    public void A_started_request_keeps_its_later_turn_while_it_fits_and_loses_it_with_its_charger()
    {
        var book = NewBook(capacityKw: 14, chargers: 2);
        var request = Submit(book, "r1", 0, 6);
        book.ApplyPlan(Plan((request.Id, [Turn("C-1", 0, 1), Turn("C-2", 3, 4)])), Summary, Now);
        book.Advance(Now, Policy);

        Assert.Empty(book.ApplyPlan(Plan(), Summary, Now.AddMinutes(5)));
        Assert.Equal(2, Get(book, request.Id).Turns.Count);
        var input = book.PlanningInput(Now.AddMinutes(5), Policy);
        Assert.Equal(request.Id, Assert.Single(input.Started).Id);

        var faulted = book.ChargerReported(Report(book, "C-2", ChargerStatus.Faulted, 0), Now.AddMinutes(10), Policy);
        Assert.True(faulted.Replan);
        Assert.Equal(ChargingNoticeKind.TurnMoved, Assert.Single(faulted.Notices).Kind);
        Assert.Equal([Turn("C-1", 0, 1, "G1-001")], Get(book, request.Id).Turns);
    }

    [Fact]
    public void A_request_stored_with_one_turn_reads_as_one_turn()
    {
        var request = new ChargingRequest("a", "c", "A", "r", "P", 10, new TimeWindow(Now, Now.AddHours(4)), true, Now,
            ChargingRequestStatus.Scheduled, Turn("C-1", 1, 2), null, null, 0, false, null, 1);

        Assert.Equal([Turn("C-1", 1, 2)], request.Turns);
        Assert.Empty(request.LaterTurns);
        Assert.False(request.HasNextTurn);
        Assert.Equal(request, request.WithTurns([Turn("C-1", 1, 2)]));
    }

    /// <summary>Each turn of a request gets the power its own schedule gives, on its own charger.</summary>
    [Fact]
    public void Each_turn_of_a_request_gets_its_own_power()
    {
        var request = new ChargingRequest("a", "c", "CA-1", "r", "P", 10, new TimeWindow(Now, Now.AddHours(6)), true, Now,
            ChargingRequestStatus.Scheduled, Turn("C-1", 1, 2), null, null, 0, false, null, 1)
        {
            LaterTurns = [Turn("C-2", 3, 4)],
        };
        var chargers = new[] { new ChargerDefinition("C-1", "S1", 7), new ChargerDefinition("C-2", "S2", 7) };
        var area = new ChargingAreaView("c", new ChargingAreaDefinition("CA-1", "Area", "G1", 14, chargers), 14,
            [.. chargers.Select(ChargerSnapshot.New)], [request], null, Now, 1);
        TurnPowerSchedule Power(ChargingTurn turn, double kw) => new("a", turn.ChargerId, turn.Window, [new PowerStep(turn.Window.Start, kw)]);

        var schedules = ChargingSchedules.ForArea(area, Now, [Power(Turn("C-1", 1, 2), 3), Power(Turn("C-2", 3, 4), 5)]);

        Assert.Equal(3000, schedules.Single(s => s.ChargerId == "C-1").LimitAt(Now.AddHours(1.5)));
        Assert.Equal(0, schedules.Single(s => s.ChargerId == "C-1").LimitAt(Now.AddHours(3.5)));
        Assert.Equal(5000, schedules.Single(s => s.ChargerId == "C-2").LimitAt(Now.AddHours(3.5)));
        Assert.Equal(0, schedules.Single(s => s.ChargerId == "C-2").LimitAt(Now.AddHours(1.5)));
    }

    /// <summary>
    /// Two 7 kW chargers. The plan gives A (needing <paramref name="needKwh"/> from 18:00 to 24:00) C-1 from 19:00 to
    /// 20:00 and again from 21:00 to 22:00 at 7 kW, and B C-2 from 20:00 to 21:00 at 7 kW: nobody needs C-1 between
    /// A's turns, so they are joined into one hold and A's car waits plugged in. In the gap A gets what the feed has left
    /// beside B, up to what its two turns leave it short: on a 14 kW feed A short of 7 kWh draws 7 kW there, short of
    /// 1.75 kWh 1.75 kW; on a 7 kW feed (B takes it all) or with no shortfall, nothing.
    /// </summary>
    [Theory]
    [InlineData(14, 21, 7)]
    [InlineData(14, 15.75, 1.75)]
    [InlineData(7, 21, 0)]
    [InlineData(14, 14, 0)]
    public void A_joined_hold_gets_the_feed_left_in_its_gap_up_to_what_the_car_still_needs(double feedKw, double needKwh, double gapKw)
    {
        var book = NewBook(feedKw, chargers: 2);
        var a = Submit(book, "a", 0, 6, needKwh);
        var b = Submit(book, "b", 2, 3, 7);
        TurnPowerSchedule Power(string id, ChargingTurn turn) => new(id, turn.ChargerId, turn.Window, [new PowerStep(turn.Window.Start, 7)]);

        book.ApplyPlan(
            Plan((a.Id, [Turn("C-1", 1, 2), Turn("C-1", 3, 4)]), (b.Id, [Turn("C-2", 2, 3)])),
            Summary, Now,
            [Power(a.Id, Turn("C-1", 1, 2)), Power(a.Id, Turn("C-1", 3, 4)), Power(b.Id, Turn("C-2", 2, 3))]);

        Assert.Equal([Turn("C-1", 1, 4, "G1-001")], Get(book, a.Id).Turns);
        var hold = Assert.Single(book.PowerSchedules, p => p.RequestId == a.Id);
        Assert.Equal(new TimeWindow(Now.AddHours(1), Now.AddHours(4)), hold.Window);
        Assert.Equal((7.0, gapKw, 7.0), (hold.KwAt(Now.AddHours(1.5)), hold.KwAt(Now.AddHours(2.5)), hold.KwAt(Now.AddHours(3.5))));

        // B's turn keeps its power, and the hold gives A no more than it needs.
        Assert.Equal(7.0, Assert.Single(book.PowerSchedules, p => p.RequestId == b.Id).KwAt(Now.AddHours(2.5)));
        var draw = book.DrawOf(a.Id)!;
        var kwh = draw.Stretches(Now, Now.AddHours(6), Policy.Period).Sum(x => x.Kw * (x.End - x.Start).TotalHours);
        Assert.True(kwh <= needKwh + 1e-9, $"the hold gives {kwh} kWh for a need of {needKwh}");
        Assert.Equal(14 + gapKw, kwh, 6);
    }
}
