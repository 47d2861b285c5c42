using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Domain.Tests.Charging;

/// <summary>Decisions the charging area grain made itself before: merging changes, which notices drivers hear, which requests wait.</summary>
public class AreaRulesMovedTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
    private static readonly ChargingPolicy Policy = new();

    private static ChargingAreaBook NewBook()
    {
        var book = new ChargingAreaBook { CompoundId = "c" };
        book.Configure(new ChargingAreaDefinition("CA-1", "Area", "G1", 14, [new ChargerDefinition("C-1", "G1-001", 7), new ChargerDefinition("C-2", "G1-002", 7)]));
        return book;
    }

    private static ChargingRequest Submit(ChargingAreaBook book, string resident, double createdHours = 0, string? plate = null)
    {
        var draft = new ChargingRequestDraft(plate ?? "P-" + resident, 10, new TimeWindow(Now.AddHours(1), Now.AddHours(5)), true);
        var outcome = book.Submit(resident, draft, Policy, Now.AddHours(createdHours), Guid.NewGuid());
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        return outcome.Value!;
    }

    [Fact]
    public void Two_changes_keep_every_notice_in_order_and_replan_if_either_asks()
    {
        var book = NewBook();
        var a = new ChargingNotice(ChargingNoticeKind.Waiting, Submit(book, "ann"));
        var b = new ChargingNotice(ChargingNoticeKind.Waiting, Submit(book, "bob"));

        var both = new AreaChange([a], false).Then(new AreaChange([b], true));

        Assert.Equal([a, b], both.Notices);
        Assert.True(both.Replan);
        Assert.True(new AreaChange([], true).Then(AreaChange.None).Replan);
        Assert.False(AreaChange.None.Then(AreaChange.None).Replan);
    }

    [Fact]
    public void Of_several_notices_of_one_kind_about_one_request_the_driver_hears_the_last_once()
    {
        var book = NewBook();
        var ann = Submit(book, "ann");
        var bob = Submit(book, "bob");
        var first = new ChargingNotice(ChargingNoticeKind.Waiting, ann);
        var other = new ChargingNotice(ChargingNoticeKind.Waiting, bob);
        var cancelled = new ChargingNotice(ChargingNoticeKind.Cancelled, ann);
        var last = new ChargingNotice(ChargingNoticeKind.Waiting, ann with { EnergyKwh = 12 });

        Assert.Equal([other, cancelled, last], AreaChange.Collapse([first, other, cancelled, last]));
    }

    [Fact]
    public void After_a_plan_only_requests_still_without_a_turn_hear_they_wait_and_a_drivers_list_is_newest_first()
    {
        var book = NewBook();
        var ann = Submit(book, "ann");
        var later = Submit(book, "ann", createdHours: 0.5, plate: "P-ann2");
        var bob = Submit(book, "bob");
        Assert.True(book.HasWaiting);
        Assert.True(book.Cancel(bob.Id, new Actor("bob", false), Now).IsSuccess);

        var notices = book.StillWaiting([ann.Id, bob.Id, "unknown"]);

        Assert.Equal([(ChargingNoticeKind.Waiting, ann.Id)], notices.Select(n => (n.Kind, n.Request.Id)));
        Assert.Equal([later.Id, ann.Id], book.RequestsOf("ann").Select(r => r.Id));
        Assert.Null(book.PluggedInAt("C-1"));
    }

    [Fact]
    public void The_request_plugged_in_at_a_charger_is_the_one_in_its_turn_there()
    {
        var book = NewBook();
        var draft = new ChargingRequestDraft("P-ann", 10, new TimeWindow(Now, Now.AddHours(6)), true);
        var ann = book.Submit("ann", draft, Policy, Now, Guid.NewGuid()).Value!;
        book.ApplyPlan(
            new Dictionary<string, ChargingTurn> { [ann.Id] = new("C-1", new TimeWindow(Now, Now.AddHours(2))) },
            new PlanSummary("test", AreaPlanStatus.Optimal, Now, TimeSpan.Zero, 0, 0),
            Now);
        book.Advance(Now, Policy);
        Assert.Null(book.PluggedInAt("C-1"));

        book.ChargerReported(book.Chargers["C-1"] with { Status = ChargerStatus.Charging, EnergyMeterKwh = 0 }, Now.AddMinutes(5), Policy);

        Assert.Equal(ann.Id, book.PluggedInAt("C-1"));
        Assert.Null(book.PluggedInAt("C-2"));
    }
}
