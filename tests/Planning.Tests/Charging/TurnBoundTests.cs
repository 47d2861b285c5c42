using Parking.Planning.Charging;
using Xunit;

namespace Parking.Planning.Tests.Charging;

/// <summary>The turn-aware bounds on instances small enough to know their optimum by hand.</summary>
public class TurnBoundTests
{
    /// <summary>
    /// One 7 kW car for two hours, a 7 kW and an 11 kW charger (two classes), 28 kWh wanted, a feed of 50 kW. The car can
    /// hold one charger at a time, so the most it can take is 7 kW for two hours: 14 kWh. Without the cut that holds a car
    /// to one charger per period the relaxation lets it draw from both chargers at once (28 kWh).
    /// </summary>
    [Fact]
    public void A_car_draws_from_one_charger_at_a_time_in_both_bounds()
    {
        var instance = new ChargingInstance(Instances.Evening, 60, 2, [new ChargerSpec("C7", 7), new ChargerSpec("C11", 11)], 50,
            [new ChargingRequest("r", 0, 2, 28, 7)]);
        var plan = ChargingAlgorithms.Get("in-turn").Solve(instance, new SolveOptions(TimeSpan.FromSeconds(2)));

        Assert.Equal(14, plan.EnergyKwh(instance), 6);
        Assert.Equal(14, TurnBound.UpperBoundKwh(instance)!.Value, 6);
        Assert.Equal(14, TurnBound.TightUpperBoundKwh(instance)!.Value, 6);
        Assert.Equal(28, TurnBound.WithoutOneChargerCuts(instance, tight: false)!.Value, 6);
    }
}
