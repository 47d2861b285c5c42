using System.Globalization;

namespace Parking.Domain.Charging;

/// <summary>The three price levels of a Chinese time-of-use electricity tariff.</summary>
public enum TariffLevel
{
    Peak,
    Flat,
    Valley,
}

/// <summary>From <see cref="From"/> (compound local time of day) until the next band's start, energy costs the <see cref="Level"/>'s price.</summary>
[GenerateSerializer, Immutable]
public sealed record TariffBand([Id(0)] TimeOnly From, [Id(1)] TariffLevel Level);

/// <summary>A meter reading of a session: the energy register (Wh) at an instant.</summary>
[GenerateSerializer, Immutable]
public sealed record MeterReading([Id(0)] DateTimeOffset At, [Id(1)] long RegisterWh);

/// <summary>What a session's energy cost: kWh and money per level, and the total.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionCost(
    [Id(0)] double PeakKwh,
    [Id(1)] double FlatKwh,
    [Id(2)] double ValleyKwh,
    [Id(3)] decimal Amount,
    [Id(4)] string Currency)
{
    public double EnergyKwh => PeakKwh + FlatKwh + ValleyKwh;
}

/// <summary>
/// A compound's time-of-use price of charging energy: the day (compound local time) cut into bands, each peak,
/// flat or valley, with a price per kWh for each level. Bands are given by their start; each lasts until the next
/// one starts, the last until the first one of the next day, so they always cover the day exactly once.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TimeOfUseTariff(
    [Id(0)] string Currency,
    [Id(1)] decimal PeakPrice,
    [Id(2)] decimal FlatPrice,
    [Id(3)] decimal ValleyPrice,
    [Id(4)] IReadOnlyList<TariffBand> Bands)
{
    /// <summary>The highest price per kWh accepted: anything above is a typing error, not a tariff.</summary>
    public const decimal MaxPrice = 100m;

    /// <summary>
    /// The default until staff set the compound's own: the band structure of Shanghai's time-of-use tariff for
    /// business users (peak 08-11 and 18-21, flat 06-08, 11-18 and 21-22, valley 22-06) with round prices of
    /// about that tariff's size in yuan per kWh. They are a starting point, not the compound's contract.
    /// </summary>
    public static TimeOfUseTariff Default { get; } = new(
        "CNY",
        1.10m,
        0.70m,
        0.35m,
        [
            new(new TimeOnly(6, 0), TariffLevel.Flat),
            new(new TimeOnly(8, 0), TariffLevel.Peak),
            new(new TimeOnly(11, 0), TariffLevel.Flat),
            new(new TimeOnly(18, 0), TariffLevel.Peak),
            new(new TimeOnly(21, 0), TariffLevel.Flat),
            new(new TimeOnly(22, 0), TariffLevel.Valley),
        ]);

    /// <summary>The first thing wrong with the tariff (field and reason), or null when it can be used.</summary>
    public DomainError? Check()
    {
        static DomainError Bad(string field, string message) => DomainError.Invalid(field, "tariff-invalid", message);
        if (Currency is not { Length: 3 } || !Currency.All(char.IsAsciiLetterUpper))
        {
            return Bad("currency", "currency is an ISO 4217 code of three capital letters, e.g. CNY.");
        }

        foreach (var (field, price) in new[] { ("peakPrice", PeakPrice), ("flatPrice", FlatPrice), ("valleyPrice", ValleyPrice) })
        {
            if (price is < 0 or > MaxPrice)
            {
                return Bad(field, $"{field} is a price per kWh from 0 to {MaxPrice.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        if (Bands is not { Count: > 0 })
        {
            return Bad("bands", "bands needs at least one band: { from: \"HH:mm\", level: peak | flat | valley }.");
        }

        for (var i = 0; i < Bands.Count; i++)
        {
            if (Bands[i].From.Second != 0 || Bands[i].From.Millisecond != 0)
            {
                return Bad($"bands[{i}].from", "a band starts on a whole minute (HH:mm).");
            }

            if (i > 0 && Bands[i].From <= Bands[i - 1].From)
            {
                return Bad($"bands[{i}].from", "bands are listed in the order of the day, each starting after the one before.");
            }

            if (!Enum.IsDefined(Bands[i].Level))
            {
                return Bad($"bands[{i}].level", "level is peak, flat or valley.");
            }
        }

        return null;
    }

    public decimal PriceOf(TariffLevel level) => level switch
    {
        TariffLevel.Peak => PeakPrice,
        TariffLevel.Flat => FlatPrice,
        _ => ValleyPrice,
    };

    /// <summary>The level in force at <paramref name="instant"/>, read in the compound's local time.</summary>
    public TariffLevel LevelAt(DateTimeOffset instant, TimeSpan utcOffset)
    {
        var time = TimeOnly.FromTimeSpan(instant.ToOffset(utcOffset).TimeOfDay);
        var level = Bands[^1].Level;
        foreach (var band in Bands)
        {
            if (band.From > time)
            {
                break;
            }

            level = band.Level;
        }

        return level;
    }

    /// <summary>
    /// The cost of a session metered by <paramref name="readings"/> (in time order): every interval between two
    /// readings is priced at the level of each part of it, its energy spread evenly over it (the meter knows no
    /// better), and the kWh of every level add up.
    /// </summary>
    public SessionCost Cost(IReadOnlyList<MeterReading> readings, TimeSpan utcOffset)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var kwh = new double[3];
        for (var i = 1; i < readings.Count; i++)
        {
            var (from, to) = (readings[i - 1], readings[i]);
            var energy = (to.RegisterWh - from.RegisterWh) / 1000.0;
            if (energy <= 0)
            {
                continue;
            }

            if (to.At <= from.At)
            {
                kwh[(int)LevelAt(to.At, utcOffset)] += energy;
                continue;
            }

            var length = (to.At - from.At).TotalSeconds;
            for (var start = from.At; start < to.At;)
            {
                var end = NextBoundary(start, utcOffset);
                if (end > to.At)
                {
                    end = to.At;
                }

                kwh[(int)LevelAt(start, utcOffset)] += energy * (end - start).TotalSeconds / length;
                start = end;
            }
        }

        var amount = 0m;
        foreach (var level in Enum.GetValues<TariffLevel>())
        {
            amount += (decimal)kwh[(int)level] * PriceOf(level);
        }

        return new SessionCost(Math.Round(kwh[0], 3), Math.Round(kwh[1], 3), Math.Round(kwh[2], 3), Math.Round(amount, 2, MidpointRounding.AwayFromZero), Currency);
    }

    /// <summary>The first band start after <paramref name="instant"/>.</summary>
    private DateTimeOffset NextBoundary(DateTimeOffset instant, TimeSpan utcOffset)
    {
        var local = instant.ToOffset(utcOffset);
        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        var day = local - local.TimeOfDay;
        var next = Bands.FirstOrDefault(b => b.From > time);
        return next is not null ? day + next.From.ToTimeSpan() : day.AddDays(1) + Bands[0].From.ToTimeSpan();
    }
}
