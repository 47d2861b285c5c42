using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Xunit;

namespace Parking.Domain.Tests.Charging;

public class ChargerRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    private static ChargerSnapshot Charger(ChargerStatus status = ChargerStatus.Available, double meter = 10) =>
        ChargerSnapshot.New(new ChargerDefinition("C-1", "G1-001", 7)) with { Status = status, EnergyMeterKwh = meter };

    [Fact]
    public void A_charging_report_sets_power_and_meter()
    {
        var charger = Charger(ChargerStatus.Preparing);
        var report = new ChargerReport(ChargerStatus.Charging, 7, 12.5);

        Assert.Null(ChargerRules.Validate(charger, report));
        var after = ChargerRules.Apply(charger, report, Now);

        Assert.Equal(ChargerStatus.Charging, after.Status);
        Assert.Equal(7, after.PowerKw);
        Assert.Equal(12.5, after.EnergyMeterKwh);
        Assert.Equal(Now, after.ReportedAt);
    }

    [Fact]
    public void Leaving_charging_drops_the_power_to_zero()
    {
        var charger = Charger(ChargerStatus.Charging) with { PowerKw = 7 };

        var after = ChargerRules.Apply(charger, new ChargerReport(ChargerStatus.Finishing, null, 20), Now);

        Assert.Equal(0, after.PowerKw);
    }

    [Theory]
    [InlineData(ChargerStatus.Charging, -1.0, null, "powerKw", "power-negative")]
    [InlineData(ChargerStatus.Charging, 9.0, null, "powerKw", "power-above-rating")]
    [InlineData(ChargerStatus.Preparing, 3.0, null, "powerKw", "power-while-not-charging")]
    [InlineData(ChargerStatus.Charging, 7.0, 5.0, "energyMeterKwh", "meter-went-backwards")]
    [InlineData(ChargerStatus.Charging, 7.0, -1.0, "energyMeterKwh", "meter-negative")]
    public void Impossible_readings_are_refused_naming_the_field(ChargerStatus status, double power, double? meter, string field, string code)
    {
        var error = ChargerRules.Validate(Charger(ChargerStatus.Preparing), new ChargerReport(status, power, meter))!;

        Assert.Equal(field, error.Field);
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void Transitions_follow_the_connector_states()
    {
        Assert.True(ChargerRules.IsAllowed(ChargerStatus.Available, ChargerStatus.Preparing));
        Assert.True(ChargerRules.IsAllowed(ChargerStatus.Charging, ChargerStatus.Faulted));
        Assert.True(ChargerRules.IsAllowed(ChargerStatus.Faulted, ChargerStatus.Available));
        Assert.False(ChargerRules.IsAllowed(ChargerStatus.Available, ChargerStatus.Finishing));
        Assert.False(ChargerRules.IsAllowed(ChargerStatus.Charging, ChargerStatus.Preparing));
        Assert.Equal("status-transition", ChargerRules.Validate(Charger(), new ChargerReport(ChargerStatus.Finishing, null, null))!.Code);
    }

    [Fact]
    public void Plug_in_plug_out_fault_and_recovery_are_recognised()
    {
        Assert.True(ChargerRules.IsPlugIn(ChargerStatus.Available, ChargerStatus.Preparing));
        Assert.True(ChargerRules.IsPlugIn(ChargerStatus.Available, ChargerStatus.Charging));
        Assert.False(ChargerRules.IsPlugIn(ChargerStatus.Preparing, ChargerStatus.Charging));
        Assert.True(ChargerRules.IsPlugOut(ChargerStatus.Finishing, ChargerStatus.Available));
        Assert.False(ChargerRules.IsPlugOut(ChargerStatus.Faulted, ChargerStatus.Available));
        Assert.True(ChargerRules.IsFault(ChargerStatus.Charging, ChargerStatus.Faulted));
        Assert.False(ChargerRules.IsFault(ChargerStatus.Faulted, ChargerStatus.Unavailable));
        Assert.True(ChargerRules.IsRecovery(ChargerStatus.Unavailable, ChargerStatus.Available));
    }
}
