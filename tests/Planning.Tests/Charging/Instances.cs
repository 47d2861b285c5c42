using Parking.Planning.Charging;

namespace Parking.Planning.Tests.Charging;

internal static class Instances
{
    public static readonly DateTimeOffset Evening = new(2026, 11, 22, 18, 0, 0, TimeSpan.FromHours(8));

    /// <summary>Three cars for one 7 kW charger over 8 one-hour periods behind a 7 kW feed.</summary>
    public static ChargingInstance ThreeCarsOneCharger(int changeover = 0, IReadOnlyList<PeriodRange>? quiet = null) => new(
        Evening, 60, 8, [new ChargerSpec("C1", 7)], 7,
        [
            new ChargingRequest("a", 0, 8, 14, 7),
            new ChargingRequest("b", 0, 8, 14, 7),
            new ChargingRequest("c", 1, 8, 14, 11),
        ],
        ChangeoverPeriods: changeover,
        QuietPeriods: quiet);

    /// <summary>Two plugged-in cars sharing a 10 kW feed, as at the Caltech network.</summary>
    public static ChargingInstance TwoPluggedCars() => new(
        Evening, 60, 4, [new ChargerSpec("C1", 7), new ChargerSpec("C2", 7)], 10,
        [
            new ChargingRequest("early", 0, 2, 10, 7, "C1"),
            new ChargingRequest("late", 0, 4, 14, 7, "C2"),
        ]);
}
