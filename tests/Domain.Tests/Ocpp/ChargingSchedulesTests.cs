using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Ocpp;
using Xunit;

namespace Parking.Domain.Tests.Ocpp;

public sealed class ChargingSchedulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static ChargingRequest Request(string id, string chargerId, int fromMinutes, int toMinutes, ChargingRequestStatus status = ChargingRequestStatus.Scheduled) => new(
        id, "c", "A", "r-" + id, "P" + id, 10, new TimeWindow(Now, Now.AddHours(12)), true, Now, status,
        new ChargingTurn(chargerId, new TimeWindow(Now.AddMinutes(fromMinutes), Now.AddMinutes(toMinutes))), null, null, 0, false, null, 0);

    private static ChargingAreaView Area(double capacityKw, params ChargingRequest[] requests)
    {
        var chargers = new[] { new ChargerDefinition("C1", "S1", 7), new ChargerDefinition("C2", "S2", 7), new ChargerDefinition("C3", "S3", 11) };
        return new ChargingAreaView(
            "c",
            new ChargingAreaDefinition("A", "Area", "L", capacityKw, chargers),
            capacityKw,
            [.. chargers.Select(ChargerSnapshot.New)],
            requests,
            null,
            Now,
            1);
    }

    [Fact]
    public void A_charger_may_draw_its_rating_in_its_turns_and_nothing_outside_them()
    {
        var schedules = ChargingSchedules.ForArea(Area(30, Request("a", "C1", 30, 90)), Now);

        var c1 = schedules.Single(s => s.ChargerId == "C1");
        Assert.Equal(0, c1.LimitAt(Now));
        Assert.Equal(7000, c1.LimitAt(Now.AddMinutes(30)));
        Assert.Equal(7000, c1.LimitAt(Now.AddMinutes(89)));
        Assert.Equal(0, c1.LimitAt(Now.AddMinutes(90)));
        Assert.All(schedules.Where(s => s.ChargerId != "C1"), s => Assert.Equal(0, s.LimitAt(Now.AddMinutes(45))));
    }

    [Fact]
    public void The_limits_of_one_period_never_add_up_to_more_than_the_feed()
    {
        // Three overlapping turns asking 25 kW on a 14 kW feed (a plan being replaced): all are scaled down alike.
        var area = Area(14, Request("a", "C1", 0, 60), Request("b", "C2", 10, 70), Request("c", "C3", 20, 80));
        var schedules = ChargingSchedules.ForArea(area, Now);

        for (var minute = 0; minute < 24 * 60; minute += 5)
        {
            var at = Now.AddMinutes(minute);
            Assert.True(schedules.Sum(s => s.LimitAt(at)) <= 14_000, $"At +{minute} min the limits add up to {schedules.Sum(s => s.LimitAt(at))} W.");
        }

        Assert.Equal(7000, schedules.Single(s => s.ChargerId == "C1").LimitAt(Now));
        Assert.True(schedules.Single(s => s.ChargerId == "C3").LimitAt(Now.AddMinutes(30)) > 0);
    }

    [Fact]
    public void The_plugged_in_request_of_a_turn_names_the_session_and_an_unchanged_plan_changes_nothing()
    {
        var charging = Request("a", "C1", 0, 60, ChargingRequestStatus.Charging) with { PluggedAt = Now };
        var first = ChargingSchedules.ForArea(Area(30, charging), Now).Single(s => s.ChargerId == "C1");
        Assert.Equal("a", first.SessionRequestId);

        var later = ChargingSchedules.ForArea(Area(30, charging), Now.AddMinutes(7)).Single(s => s.ChargerId == "C1");
        Assert.True(later.SameAs(first, Now.AddMinutes(7)));
        var shorter = ChargingSchedules.ForArea(Area(30, charging with { Turn = charging.Turn! with { Window = new TimeWindow(Now, Now.AddMinutes(30)) } }), Now.AddMinutes(7)).Single(s => s.ChargerId == "C1");
        Assert.False(shorter.SameAs(first, Now.AddMinutes(7)));
    }

    [Fact]
    public void A_password_is_kept_only_as_a_salted_hash_and_checked_in_constant_time()
    {
        var secret = ChargePointSecret.Create("a-charger-secret-123");
        Assert.True(secret.Matches("a-charger-secret-123"));
        Assert.False(secret.Matches("a-charger-secret-124"));
        Assert.NotEqual(secret.Salt, ChargePointSecret.Create("a-charger-secret-123").Salt);
        Assert.Equal("password-length", ChargePointSecret.Check("short")!.Code);
        Assert.Equal("password-characters", ChargePointSecret.Check("has a space in it 1234")!.Code);
        Assert.Null(ChargePointSecret.Check("parking-demo-charger"));
    }

    [Fact]
    public void Charge_point_ids_name_the_compound_and_the_charger()
    {
        Assert.True(ChargePointIds.TryParse("demo-small.C-G1-025", out var compound, out var charger));
        Assert.Equal(("demo-small", "C-G1-025"), (compound, charger));
        Assert.False(ChargePointIds.TryParse("C-G1-025", out _, out _));
        Assert.False(ChargePointIds.TryParse("a.b.c", out _, out _));
    }
}
