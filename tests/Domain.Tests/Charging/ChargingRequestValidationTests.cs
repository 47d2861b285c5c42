using Parking.Domain.Charging;
using Xunit;

namespace Parking.Domain.Tests.Charging;

public class ChargingRequestValidationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
    private static readonly ChargingPolicy Policy = new();

    private static Outcome<ChargingRequestDraft> Validate(
        string? plate = "沪A12345",
        EnergyNeed? need = null,
        DateTimeOffset? start = null,
        DateTimeOffset? departure = null,
        bool? canMove = null) =>
        ChargingRequests.Validate(plate, need ?? new EnergyNeed(20, null, null, null), start, departure ?? Now.AddHours(10), canMove, Policy, Now);

    [Fact]
    public void A_plain_request_runs_from_now_to_departure_and_can_move_by_default()
    {
        var draft = Validate().Value!;

        Assert.Equal(new TimeWindow(Now, Now.AddHours(10)), draft.Window);
        Assert.Equal(20, draft.EnergyKwh);
        Assert.True(draft.CanMove);
    }

    [Fact]
    public void Energy_from_a_target_charge_is_the_battery_share_between_now_and_target()
    {
        var draft = Validate(need: new EnergyNeed(null, 60, 20, 80)).Value!;

        Assert.Equal(36, draft.EnergyKwh, 3);
    }

    [Theory]
    [InlineData(-5.0, "energyKwh", "energy-not-positive")]
    [InlineData(0.0, "energyKwh", "energy-not-positive")]
    [InlineData(151.0, "energyKwh", "energy-too-large")]
    public void Bad_energy_is_refused_naming_the_field(double energy, string field, string code)
    {
        var error = Validate(need: new EnergyNeed(energy, null, null, null)).Error!;

        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Equal(field, error.Field);
        Assert.Equal(code, error.Code);
    }

    [Theory]
    [InlineData(null, 20.0, 80.0, "batteryKwh")]
    [InlineData(60.0, null, 80.0, "currentSocPercent")]
    [InlineData(60.0, 20.0, 120.0, "targetSocPercent")]
    [InlineData(60.0, 80.0, 50.0, "targetSocPercent")]
    public void An_incomplete_or_impossible_target_charge_is_refused(double? battery, double? current, double? target, string field)
    {
        var error = Validate(need: new EnergyNeed(null, battery, current, target)).Error!;

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Energy_given_twice_or_not_at_all_is_refused()
    {
        Assert.Equal("energy-given-twice", Validate(need: new EnergyNeed(10, 60, 20, 80)).Error!.Code);
        Assert.Equal("energy-required", Validate(need: new EnergyNeed(null, null, null, null)).Error!.Code);
    }

    [Fact]
    public void A_departure_before_the_earliest_start_is_refused()
    {
        var error = Validate(start: Now.AddHours(3), departure: Now.AddHours(2)).Error!;

        Assert.Equal("departure", error.Field);
        Assert.Equal("departure-before-start", error.Code);
    }

    [Fact]
    public void Missing_plate_and_departure_and_a_start_in_the_past_are_refused()
    {
        Assert.Equal("plate", Validate(plate: " ").Error!.Field);
        Assert.Equal("start-in-past", Validate(start: Now.AddHours(-1)).Error!.Code);
        Assert.Equal("departure-too-far-ahead", Validate(departure: Now.AddDays(3)).Error!.Code);
        Assert.Equal("window-too-short", Validate(departure: Now.AddMinutes(2)).Error!.Code);
        var missing = ChargingRequests.Validate("A1", new EnergyNeed(5, null, null, null), null, null, null, Policy, Now).Error!;
        Assert.Equal("departure", missing.Field);
    }

    [Fact]
    public void Request_ids_name_their_area()
    {
        var id = ChargingRequests.NewId("CA-G1", Guid.NewGuid());

        Assert.True(ChargingRequests.TryParseAreaId(id, out var area));
        Assert.Equal("CA-G1", area);
        Assert.False(ChargingRequests.TryParseAreaId("nodot", out _));
    }
}
