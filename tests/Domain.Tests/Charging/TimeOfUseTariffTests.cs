using Parking.Domain.Charging;
using Xunit;

namespace Parking.Domain.Tests.Charging;

public sealed class TimeOfUseTariffTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>An instant given in Shanghai local time.</summary>
    private static DateTimeOffset Local(int hour, int minute = 0) => new(2026, 12, 3, hour, minute, 0, Shanghai);

    [Theory]
    [InlineData(7, 59, TariffLevel.Flat)]
    [InlineData(8, 0, TariffLevel.Peak)]
    [InlineData(12, 0, TariffLevel.Flat)]
    [InlineData(19, 30, TariffLevel.Peak)]
    [InlineData(21, 30, TariffLevel.Flat)]
    [InlineData(23, 0, TariffLevel.Valley)]
    [InlineData(3, 0, TariffLevel.Valley)]
    public void The_default_follows_Shanghais_bands_in_local_time(int hour, int minute, TariffLevel expected)
    {
        Assert.Equal(expected, TimeOfUseTariff.Default.LevelAt(Local(hour, minute), Shanghai));
        Assert.Equal(expected, TimeOfUseTariff.Default.LevelAt(Local(hour, minute).ToUniversalTime(), Shanghai));
    }

    [Fact]
    public void Each_interval_is_priced_by_the_level_of_each_part_of_it()
    {
        // 20:00-22:30 at a steady 4 kW: one hour of peak, one of flat, half an hour of valley.
        var readings = new[]
        {
            new MeterReading(Local(20), 100_000),
            new MeterReading(Local(21, 30), 106_000),
            new MeterReading(Local(22, 30), 110_000),
        };

        var cost = TimeOfUseTariff.Default.Cost(readings, Shanghai);

        Assert.Equal(4.0, cost.PeakKwh, 6);
        Assert.Equal(4.0, cost.FlatKwh, 6);
        Assert.Equal(2.0, cost.ValleyKwh, 6);
        Assert.Equal(10.0, cost.EnergyKwh, 6);
        Assert.Equal((4 * 1.10m) + (4 * 0.70m) + (2 * 0.35m), cost.Amount);
        Assert.Equal("CNY", cost.Currency);
    }

    [Fact]
    public void A_session_across_midnight_stays_in_the_valley_and_a_flat_meter_costs_nothing()
    {
        var readings = new[]
        {
            new MeterReading(Local(23), 0),
            new MeterReading(Local(23).AddHours(2), 14_000),
            new MeterReading(Local(23).AddHours(3), 14_000),
        };

        var cost = TimeOfUseTariff.Default.Cost(readings, Shanghai);

        Assert.Equal(14.0, cost.ValleyKwh, 6);
        Assert.Equal(0, cost.PeakKwh + cost.FlatKwh);
        Assert.Equal(4.90m, cost.Amount);
    }

    [Fact]
    public void A_tariff_with_bands_out_of_order_a_negative_price_or_a_bad_currency_is_refused_naming_the_field()
    {
        var good = TimeOfUseTariff.Default;
        Assert.Null(good.Check());
        Assert.Equal("bands[1].from", (good with { Bands = [new(new TimeOnly(8, 0), TariffLevel.Peak), new(new TimeOnly(6, 0), TariffLevel.Flat)] }).Check()?.Field);
        Assert.Equal("bands", (good with { Bands = [] }).Check()?.Field);
        Assert.Equal("flatPrice", (good with { FlatPrice = -0.1m }).Check()?.Field);
        Assert.Equal("currency", (good with { Currency = "yuan" }).Check()?.Field);

        // One band covers the whole day.
        var single = good with { Bands = [new(new TimeOnly(12, 0), TariffLevel.Flat)] };
        Assert.Null(single.Check());
        Assert.Equal(TariffLevel.Flat, single.LevelAt(Local(3), Shanghai));
    }
}
