using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Domain.Tests.Charging;

public class ChargingAreaBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
    private static readonly ChargingPolicy Policy = new();

    private static ChargingAreaBook NewBook(double capacityKw = 14, int chargers = 2)
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition(
            "CA-1", "Area", "G1", capacityKw,
            [.. Enumerable.Range(1, chargers).Select(i => new ChargerDefinition($"C-{i}", $"G1-00{i}", 7))]));
        return book;
    }

    private static ChargingRequest Submit(ChargingAreaBook book, string resident, double fromHours, double toHours, bool canMove = true, string? plate = null)
    {
        var draft = new ChargingRequestDraft(plate ?? "P-" + resident, 10, new TimeWindow(Now.AddHours(fromHours), Now.AddHours(toHours)), canMove);
        var outcome = book.Submit(resident, draft, Policy, Now, Guid.NewGuid());
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        return outcome.Value!;
    }

    private static ChargingTurn Turn(string charger, double fromHours, double toHours) =>
        new(charger, new TimeWindow(Now.AddHours(fromHours), Now.AddHours(toHours)));

    private static PlanSummary Summary => new("test", AreaPlanStatus.Optimal, Now, TimeSpan.Zero, 0, 0);

    private static ChargingRequest Get(ChargingAreaBook book, string id) => book.Requests.Single(r => r.Id == id);

    private static ChargerSnapshot Report(ChargingAreaBook book, string charger, ChargerStatus status, double meter) =>
        book.Chargers[charger] with { Status = status, EnergyMeterKwh = meter };

    /// <summary>Drivers who ask and withdraw all day leave at most the kept number of finished requests in the book, the newest.</summary>
    [Fact]
    public void The_book_keeps_a_bounded_number_of_finished_requests_the_newest_first()
    {
        var book = NewBook();
        var policy = new ChargingPolicy { MaxFinishedKept = 3 };
        var active = Submit(book, "r0", 0, 4, plate: "P-ACTIVE");
        var ended = new List<string>();
        for (var i = 1; i <= 6; i++)
        {
            var request = Submit(book, $"r{i}", 0, 4, plate: $"P-{i}");
            Assert.True(book.Cancel(request.Id, new Actor($"r{i}", false), Now.AddMinutes(i)).IsSuccess);
            ended.Add(request.Id);
        }

        book.Prune(Now.AddMinutes(10), policy);

        Assert.Equal(4, book.Requests.Count);
        Assert.Contains(book.Requests, r => r.Id == active.Id);
        Assert.All(ended.TakeLast(3), id => Assert.Contains(book.Requests, r => r.Id == id));
    }

    [Fact]
    public void The_objective_order_is_kept_in_the_area_and_bad_values_change_nothing()
    {
        var book = NewBook();
        Assert.Equal(ChargingObjectiveOrder.LeastShareFirst, book.ObjectiveOrder);

        Assert.Equal("order", book.SetObjective("most-energy", null).Error!.Field);
        Assert.Equal("minimumNeedKwh", book.SetObjective("minimum-need-first", null).Error!.Field);
        Assert.Equal("minimumNeedKwh", book.SetObjective("minimum-need-first", 0).Error!.Field);
        Assert.Equal("minimumNeedKwh", book.SetObjective("fully-served-first", 151).Error!.Field);
        Assert.Equal(ChargingObjectiveOrder.LeastShareFirst, book.ObjectiveOrder);

        Assert.True(book.SetObjective("minimum-need-first", 8).IsSuccess);
        var restored = ChargingAreaBook.Restore(book.Snapshot(), "c");
        Assert.Equal((ChargingObjectiveOrder.MinimumNeedFirst, (double?)8), (restored.ObjectiveOrder, restored.MinimumNeedKwh));
        var input = restored.PlanningInput(Now, Policy);
        Assert.Equal((ChargingObjectiveOrder.MinimumNeedFirst, 8.0), (input.Order, input.MinimumNeedKwh));
    }

    [Fact]
    public void A_turn_runs_from_plan_to_plug_in_to_move_notice_to_end()
    {
        var book = NewBook();
        var request = Submit(book, "r1", 0, 6);

        var planned = book.ApplyPlan(new Dictionary<string, ChargingTurn> { [request.Id] = Turn("C-1", 1, 3) }, Summary, Now);
        Assert.Equal(ChargingNoticeKind.TurnScheduled, Assert.Single(planned).Kind);
        Assert.Equal(ChargingRequestStatus.Scheduled, Get(book, request.Id).Status);
        Assert.Equal("G1-001", Get(book, request.Id).Turn!.SpaceId);
        Assert.Equal(Now.AddHours(1), book.NextDue(Policy));

        var started = book.Advance(Now.AddHours(1), Policy);
        Assert.Equal(ChargingNoticeKind.PlugInNow, Assert.Single(started.Notices).Kind);
        Assert.False(started.Replan);

        var plugged = book.ChargerReported(Report(book, "C-1", ChargerStatus.Charging, 100), Now.AddHours(1.05), Policy);
        Assert.Equal(ChargingNoticeKind.ChargingStarted, Assert.Single(plugged.Notices).Kind);
        Assert.Equal(ChargingRequestStatus.Charging, Get(book, request.Id).Status);

        book.ChargerReported(Report(book, "C-1", ChargerStatus.Charging, 106.5), Now.AddHours(2), Policy);
        Assert.Equal(6.5, Get(book, request.Id).DeliveredKwh, 3);

        Assert.Equal(Now.AddHours(3) - Policy.MoveNotice, book.NextDue(Policy));
        var soon = book.Advance(Now.AddHours(3) - Policy.MoveNotice, Policy);
        Assert.Equal(ChargingNoticeKind.TurnEndingSoon, Assert.Single(soon.Notices).Kind);

        var ended = book.Advance(Now.AddHours(3), Policy);
        Assert.Equal(ChargingNoticeKind.TurnEnded, Assert.Single(ended.Notices).Kind);
        Assert.False(ended.Replan);
        Assert.Equal(ChargingRequestStatus.Completed, Get(book, request.Id).Status);
        Assert.Null(book.NextDue(Policy));

        var unplugged = book.ChargerReported(Report(book, "C-1", ChargerStatus.Available, 108), Now.AddHours(3.1), Policy);
        Assert.Empty(unplugged.Notices);
        Assert.Equal(8, Get(book, request.Id).DeliveredKwh, 3);
        Assert.NotNull(Get(book, request.Id).UnpluggedAt);
    }

    [Fact]
    public void A_turn_that_ends_while_a_driver_waits_asks_for_a_re_plan()
    {
        var book = NewBook(capacityKw: 7, chargers: 1);
        var first = Submit(book, "r1", 0, 6);
        var second = Submit(book, "r2", 0, 6);
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [first.Id] = Turn("C-1", 0, 2) }, Summary, Now);
        Assert.Equal(ChargingRequestStatus.Waiting, Get(book, second.Id).Status);

        book.Advance(Now, Policy);
        book.ChargerReported(Report(book, "C-1", ChargerStatus.Charging, 0), Now.AddMinutes(5), Policy);
        var ended = book.Advance(Now.AddHours(2), Policy);

        Assert.Contains(ended.Notices, n => n.Kind == ChargingNoticeKind.TurnEnded);
        Assert.True(ended.Replan);
    }

    [Fact]
    public void A_car_not_plugged_in_within_the_grace_period_is_a_no_show_and_asks_for_a_re_plan()
    {
        var book = NewBook();
        var request = Submit(book, "r1", 0, 6);
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [request.Id] = Turn("C-1", 1, 3) }, Summary, Now);

        var early = book.Advance(Now.AddHours(1) + Policy.GracePeriod - TimeSpan.FromSeconds(1), Policy);
        Assert.Equal(ChargingRequestStatus.Called, Get(book, request.Id).Status);
        Assert.False(early.Replan);

        var late = book.Advance(Now.AddHours(1) + Policy.GracePeriod, Policy);
        Assert.Equal(ChargingNoticeKind.NoShow, Assert.Single(late.Notices).Kind);
        Assert.True(late.Replan);
        Assert.Equal(ChargingRequestStatus.NoShow, Get(book, request.Id).Status);
        Assert.Empty(book.PlanningInput(Now.AddHours(1.2), Policy).Started);
    }

    [Fact]
    public void A_fault_sends_the_turns_on_the_charger_back_to_waiting_and_keeps_what_was_delivered()
    {
        var book = NewBook();
        var charging = Submit(book, "r1", 0, 6);
        var later = Submit(book, "r2", 0, 6);
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [charging.Id] = Turn("C-1", 0, 2), [later.Id] = Turn("C-1", 2, 4) }, Summary, Now);
        book.Advance(Now, Policy);
        book.ChargerReported(Report(book, "C-1", ChargerStatus.Charging, 50), Now.AddMinutes(5), Policy);
        book.ChargerReported(Report(book, "C-1", ChargerStatus.Charging, 53), Now.AddMinutes(35), Policy);

        var fault = book.ChargerReported(Report(book, "C-1", ChargerStatus.Faulted, 53), Now.AddMinutes(40), Policy);

        Assert.True(fault.Replan);
        Assert.Equal(2, fault.Notices.Count(n => n.Kind == ChargingNoticeKind.ChargerFaulted));
        Assert.All(new[] { charging.Id, later.Id }, id => Assert.Equal(ChargingRequestStatus.Waiting, Get(book, id).Status));
        Assert.Equal(7, Get(book, charging.Id).RemainingKwh, 3);
        var input = book.PlanningInput(Now.AddMinutes(40), Policy);
        Assert.DoesNotContain(input.Chargers, c => c.ChargerId == "C-1");
        Assert.Equal(2, input.Open.Count);

        // On another charger the meter starts elsewhere; delivery adds to what was delivered before.
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [charging.Id] = Turn("C-2", 0.75, 2) }, Summary, Now.AddMinutes(40));
        book.Advance(Now.AddMinutes(45), Policy);
        book.ChargerReported(Report(book, "C-2", ChargerStatus.Charging, 200), Now.AddMinutes(46), Policy);
        book.ChargerReported(Report(book, "C-2", ChargerStatus.Charging, 202), Now.AddMinutes(60), Policy);
        Assert.Equal(5, Get(book, charging.Id).DeliveredKwh, 3);
    }

    [Fact]
    public void An_early_plug_out_completes_the_request_and_asks_for_a_re_plan()
    {
        var book = NewBook();
        var request = Submit(book, "r1", 0, 6);
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [request.Id] = Turn("C-1", 0, 3) }, Summary, Now);
        book.Advance(Now, Policy);
        book.ChargerReported(Report(book, "C-1", ChargerStatus.Charging, 0), Now.AddMinutes(1), Policy);
        var finished = book.ChargerReported(Report(book, "C-1", ChargerStatus.Finishing, 10), Now.AddHours(1.5), Policy);
        Assert.Equal(ChargingNoticeKind.ChargingFinished, Assert.Single(finished.Notices).Kind);

        var unplugged = book.ChargerReported(Report(book, "C-1", ChargerStatus.Available, 10), Now.AddHours(1.6), Policy);

        Assert.Equal(ChargingNoticeKind.Completed, Assert.Single(unplugged.Notices).Kind);
        Assert.True(unplugged.Replan);
        Assert.Equal(10, Get(book, request.Id).DeliveredKwh, 3);
    }

    [Fact]
    public void A_plan_keeps_started_turns_and_the_site_capacity()
    {
        var book = NewBook(capacityKw: 7, chargers: 2);
        var first = Submit(book, "r1", 0, 6);
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [first.Id] = Turn("C-1", 0, 2) }, Summary, Now);
        book.Advance(Now, Policy);
        var second = Submit(book, "r2", 0, 6);
        var third = Submit(book, "r3", 0, 6);

        // A turn on the started charger's window and one that would exceed 7 kW beside it are both refused.
        var notices = book.ApplyPlan(
            new Dictionary<string, ChargingTurn> { [second.Id] = Turn("C-1", 1, 3), [third.Id] = Turn("C-2", 1.5, 2.5) },
            Summary,
            Now.AddMinutes(10));

        Assert.Empty(notices);
        Assert.Equal(ChargingRequestStatus.Waiting, Get(book, second.Id).Status);
        Assert.Equal(ChargingRequestStatus.Waiting, Get(book, third.Id).Status);
        Assert.Equal(Turn("C-1", 0, 2) with { SpaceId = "G1-001" }, Get(book, first.Id).Turn);

        var fits = book.ApplyPlan(new Dictionary<string, ChargingTurn> { [second.Id] = Turn("C-2", 2, 4) }, Summary, Now.AddMinutes(10));
        Assert.Equal(ChargingNoticeKind.TurnScheduled, Assert.Single(fits).Kind);
    }

    [Fact]
    public void A_turn_that_moves_is_announced_and_one_left_out_of_a_plan_is_kept()
    {
        var book = NewBook();
        var request = Submit(book, "r1", 0, 6);
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [request.Id] = Turn("C-1", 1, 3) }, Summary, Now);

        var moved = book.ApplyPlan(new Dictionary<string, ChargingTurn> { [request.Id] = Turn("C-2", 2, 4) }, Summary, Now);
        Assert.Equal(ChargingNoticeKind.TurnMoved, Assert.Single(moved).Kind);
        Assert.Equal("C-2", Get(book, request.Id).Turn!.ChargerId);

        var same = book.ApplyPlan(new Dictionary<string, ChargingTurn> { [request.Id] = Turn("C-2", 2, 4) }, Summary, Now);
        Assert.Empty(same);

        // Left out of a plan, a request keeps the turn it has while that still fits.
        var left = book.ApplyPlan(new Dictionary<string, ChargingTurn>(), Summary, Now);
        Assert.Empty(left);
        Assert.Equal("C-2", Get(book, request.Id).Turn!.ChargerId);
    }

    [Fact]
    public void A_turn_that_does_not_fit_falls_back_to_the_turn_already_published()
    {
        var book = NewBook(capacityKw: 14, chargers: 2);
        var first = Submit(book, "r1", 0, 6);
        var second = Submit(book, "r2", 0, 6);
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [first.Id] = Turn("C-1", 1, 2), [second.Id] = Turn("C-1", 2, 3) }, Summary, Now);

        // The new plan puts the second on the first's new charger at an overlapping time: it keeps its old turn.
        var notices = book.ApplyPlan(
            new Dictionary<string, ChargingTurn> { [first.Id] = Turn("C-2", 1, 3), [second.Id] = Turn("C-2", 2, 4) },
            Summary,
            Now);

        Assert.Equal(Turn("C-2", 1, 3) with { SpaceId = "G1-002" }, Get(book, first.Id).Turn);
        Assert.Equal(Turn("C-1", 2, 3) with { SpaceId = "G1-001" }, Get(book, second.Id).Turn);
        Assert.Equal(first.Id, Assert.Single(notices, n => n.Kind == ChargingNoticeKind.TurnMoved).Request.Id);
    }

    [Fact]
    public void A_turn_with_no_place_left_goes_back_to_waiting_and_its_driver_is_told()
    {
        var book = NewBook(capacityKw: 7, chargers: 2);
        var first = Submit(book, "r1", 0, 6);
        var second = Submit(book, "r2", 0, 6);
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [first.Id] = Turn("C-1", 1, 2), [second.Id] = Turn("C-1", 2, 3) }, Summary, Now);

        // The first now holds 1 h to 3 h: on a 7 kW feed no other car fits then, old turn or new.
        var notices = book.ApplyPlan(
            new Dictionary<string, ChargingTurn> { [first.Id] = Turn("C-2", 1, 3), [second.Id] = Turn("C-1", 1.5, 2.5) },
            Summary,
            Now);

        Assert.Equal(ChargingRequestStatus.Waiting, Get(book, second.Id).Status);
        var withdrawn = Assert.Single(notices, n => n.Request.Id == second.Id);
        Assert.Equal(ChargingNoticeKind.TurnMoved, withdrawn.Kind);
        Assert.Null(withdrawn.Request.Turn);
    }

    [Fact]
    public void A_fallback_plan_does_not_displace_published_turns()
    {
        var book = NewBook(capacityKw: 7, chargers: 2);
        var first = Submit(book, "r1", 0, 6);
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [first.Id] = Turn("C-1", 1, 2) }, Summary, Now);
        var second = Submit(book, "r2", 0, 6);

        var notices = book.ApplyPlan(
            new Dictionary<string, ChargingTurn> { [first.Id] = Turn("C-1", 3, 4), [second.Id] = Turn("C-2", 1, 2) },
            new PlanSummary("test", AreaPlanStatus.Fallback, Now, TimeSpan.Zero, 0, 0),
            Now);

        Assert.Empty(notices);
        Assert.Equal(Turn("C-1", 1, 2) with { SpaceId = "G1-001" }, Get(book, first.Id).Turn);
        Assert.Equal(ChargingRequestStatus.Waiting, Get(book, second.Id).Status);
    }

    [Fact]
    public void A_driver_who_cannot_come_back_keeps_the_charger_until_departure()
    {
        var book = NewBook();
        var request = Submit(book, "r1", 1, 5, canMove: false);

        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [request.Id] = Turn("C-1", 1, 2) }, Summary, Now);

        Assert.Equal(new TimeWindow(Now.AddHours(1), Now.AddHours(5)), Get(book, request.Id).Turn!.Window);
    }

    [Fact]
    public void Only_the_driver_or_staff_may_see_or_cancel_a_request_and_a_refusal_changes_nothing()
    {
        var book = NewBook();
        var request = Submit(book, "r1", 0, 6);
        var version = book.Version;

        Assert.Equal(ErrorKind.Forbidden, book.Find(request.Id, new Actor("r2", false)).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, book.Cancel(request.Id, new Actor("r2", false), Now).Error!.Kind);
        Assert.Equal(version, book.Version);
        Assert.Equal(ChargingRequestStatus.Waiting, Get(book, request.Id).Status);

        var cancelled = book.Cancel(request.Id, new Actor("staff01", true), Now);
        Assert.True(cancelled.IsSuccess);
        Assert.Equal(ChargingRequestStatus.Cancelled, Get(book, request.Id).Status);
        Assert.Equal("request-not-active", book.Cancel(request.Id, new Actor("r1", false), Now).Error!.Code);
    }

    [Fact]
    public void One_open_request_per_car_and_a_limit_per_driver()
    {
        var book = NewBook();
        Submit(book, "r1", 0, 6, plate: "A");
        var again = book.Submit("r1", new ChargingRequestDraft("a", 5, new TimeWindow(Now, Now.AddHours(2)), true), Policy, Now, Guid.NewGuid());
        Assert.Equal("plate-already-waiting", again.Error!.Code);

        Submit(book, "r1", 0, 6, plate: "B");
        var third = book.Submit("r1", new ChargingRequestDraft("C", 5, new TimeWindow(Now, Now.AddHours(2)), true), Policy, Now, Guid.NewGuid());
        Assert.Equal("charging-request-limit", third.Error!.Code);
    }

    [Fact]
    public void A_waiting_request_expires_at_its_departure()
    {
        var book = NewBook();
        var request = Submit(book, "r1", 0, 2);
        Assert.Equal(Now.AddHours(2), book.NextDue(Policy));

        var expired = book.Advance(Now.AddHours(2), Policy);

        Assert.Equal(ChargingNoticeKind.Expired, Assert.Single(expired.Notices).Kind);
        Assert.Equal(ChargingRequestStatus.Expired, Get(book, request.Id).Status);
    }

    [Fact]
    public void A_reimported_area_adds_rerates_and_removes_chargers_and_the_turns_on_a_removed_one_wait_again()
    {
        var book = NewBook(capacityKw: 14, chargers: 2);
        var onOne = Submit(book, "r1", 0, 6);
        var onTwo = Submit(book, "r2", 0, 6);
        book.ApplyPlan(new Dictionary<string, ChargingTurn> { [onOne.Id] = Turn("C-1", 1, 3), [onTwo.Id] = Turn("C-2", 1, 3) }, Summary, Now);
        book.ChargerReported(Report(book, "C-1", ChargerStatus.Faulted, 42), Now, Policy);
        Assert.True(book.SetSiteCapacity(10).IsSuccess);

        // Unchanged file (a fresh read of it): nothing happens.
        var same = new ChargingAreaDefinition("CA-1", "Area", "G1", 14, [new ChargerDefinition("C-1", "G1-001", 7), new ChargerDefinition("C-2", "G1-002", 7)]);
        Assert.Equal(AreaChange.None, book.Redefine(same));
        Assert.Equal(10, book.SiteCapacityKw);

        // C-1 re-rated to 11 kW, C-2 gone, C-3 new; the feed is now 22 kW.
        var changed = new ChargingAreaDefinition("CA-1", "Area", "G1", 22, [new ChargerDefinition("C-1", "G1-001", 11), new ChargerDefinition("C-3", "G1-003", 7)]);
        var change = book.Redefine(changed);

        Assert.True(change.Replan);
        Assert.Equal(["C-1", "C-3"], book.Chargers.Keys.Order());
        Assert.Equal(11, book.Chargers["C-1"].MaxKw);
        Assert.Equal(ChargerStatus.Faulted, book.Chargers["C-1"].Status);
        Assert.Equal(42, book.Chargers["C-1"].EnergyMeterKwh);
        Assert.Equal(ChargerStatus.Available, book.Chargers["C-3"].Status);
        Assert.Equal(22, book.SiteCapacityKw);
        var told = Assert.Single(change.Notices);
        Assert.Equal(onTwo.Id, told.Request.Id);
        Assert.Equal(ChargingRequestStatus.Waiting, Get(book, onTwo.Id).Status);
        Assert.Null(Get(book, onTwo.Id).Turn);
        Assert.DoesNotContain(book.PlanningInput(Now, Policy).Chargers, c => c.ChargerId == "C-2");
        Assert.Contains(book.PlanningInput(Now, Policy).Chargers, c => c.ChargerId == "C-3");

        // An area dropped from the file keeps no chargers.
        var dropped = book.Redefine(null);
        Assert.True(dropped.Replan);
        Assert.Empty(book.Chargers);
        Assert.Empty(book.PlanningInput(Now, Policy).Chargers);
    }

    [Fact]
    public void A_reimport_rating_a_charger_above_the_capacity_set_by_hand_gives_the_feed_back_to_the_file()
    {
        var book = NewBook(capacityKw: 14, chargers: 2);
        Assert.True(book.SetSiteCapacity(7).IsSuccess);

        // Same feed, C-2 re-rated to 7.4 kW: the 7 kW set by hand cannot carry it alone, so the file's 14 kW applies.
        var rerated = new ChargingAreaDefinition("CA-1", "Area", "G1", 14, [new ChargerDefinition("C-1", "G1-001", 7), new ChargerDefinition("C-2", "G1-002", 7.4)]);
        Assert.True(book.Redefine(rerated).Replan);
        Assert.Null(book.SiteCapacityOverrideKw);
        Assert.Equal(14, book.SiteCapacityKw);

        // A capacity set by hand that still carries every charger stays through a re-import with the same feed.
        Assert.True(book.SetSiteCapacity(8).IsSuccess);
        var added = rerated with { Chargers = [.. rerated.Chargers, new ChargerDefinition("C-3", "G1-003", 7)] };
        Assert.True(book.Redefine(added).Replan);
        Assert.Equal(8, book.SiteCapacityKw);
    }
}
