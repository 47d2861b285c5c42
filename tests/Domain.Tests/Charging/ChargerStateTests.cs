using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Xunit;

namespace Parking.Domain.Tests.Charging;

/// <summary>
/// A charger's state: configured from the layout once, following it on a reload or forgetting everything when
/// dropped, taking valid reports only, and sending a report on to its area unless only an idle charger's register moved.
/// </summary>
public class ChargerStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static ChargerState Configured()
    {
        var state = new ChargerState();
        Assert.False(state.Configured);
        state.Configure("a1", new ChargerDefinition("ch1", "s1", 7));
        Assert.True(state.Configured);
        return state;
    }

    [Fact]
    public void A_charger_takes_its_place_from_the_layout_and_follows_it()
    {
        var state = Configured();
        Assert.Equal(("a1", "s1", 7.0, ChargerStatus.Available), (state.AreaId, state.Charger!.SpaceId, state.Charger.MaxKw, state.Charger.Status));
        state.Report(new ChargerReport(ChargerStatus.Charging, 5, 12), T0);
        state.SessionIs("req-1");

        Assert.True(state.Reload("a2", new ChargerDefinition("ch1", "s9", 11)));
        Assert.Equal(("a2", "s9", 11.0, ChargerStatus.Charging, "req-1"), (state.AreaId, state.Charger!.SpaceId, state.Charger.MaxKw, state.Charger.Status, state.SessionRequestId));

        Assert.True(state.Reload(null, null));
        Assert.Equal((null, null, null), (state.AreaId, state.Charger, state.SessionRequestId));
        Assert.False(state.Configured);
        Assert.False(state.Reload("a1", new ChargerDefinition("ch1", "s1", 7)));
        Assert.False(state.Configured);
    }

    [Fact]
    public void A_bad_report_is_refused_and_changes_nothing()
    {
        var state = Configured();
        var before = state.Charger;

        var refused = state.Report(new ChargerReport(ChargerStatus.Charging, 50, null), T0).Error!;

        Assert.Equal(("powerKw", "power-above-rating"), (refused.Field, refused.Code));
        Assert.Same(before, state.Charger);
        Assert.Throws<InvalidOperationException>(() => new ChargerState().Report(new ChargerReport(ChargerStatus.Available, 0, 0), T0));
    }

    [Fact]
    public void Only_an_idle_chargers_register_moving_stays_with_the_charger()
    {
        var state = Configured();

        var meterOnly = state.Report(new ChargerReport(ChargerStatus.Available, 0, 3), T0);
        Assert.True(meterOnly.IsSuccess);
        Assert.False(meterOnly.Value);
        Assert.Equal((3.0, T0), (state.Charger!.EnergyMeterKwh, state.Charger.ReportedAt!.Value));

        Assert.True(state.Report(new ChargerReport(ChargerStatus.Preparing, 0, 3), T0.AddMinutes(1)).Value);

        Assert.True(state.SessionIs("req-1"));
        Assert.False(state.SessionIs("req-1"));
        Assert.True(state.Report(new ChargerReport(ChargerStatus.Preparing, 0, 4), T0.AddMinutes(2)).Value);
        Assert.True(state.SessionIs(null));
        Assert.Null(state.SessionRequestId);
    }
}
