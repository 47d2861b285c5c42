using Parking.Domain.Scenarios;
using Parking.Planning.Simulation;

namespace Parking.Grains.Scenarios;

/// <summary>A run's demand settings in the simulator's terms (the simulator lives in Planning, the settings in Domain).</summary>
public static class SimulationDemandSettingsExtensions
{
    /// <summary>The first setting outside the simulator's range (its field and why), or null when all fit.</summary>
    public static (string Field, string Reason)? Validate(this SimulationDemandSettings settings) => settings.ToParameters().Validate();

    /// <summary>The simulator's demand parameters: its defaults with these settings over them.</summary>
    public static DemandParameters ToParameters(this SimulationDemandSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var defaults = new DemandParameters();
        return defaults with
        {
            Households = settings.Households ?? defaults.Households,
            CarsPerHousehold = settings.CarsPerHousehold ?? defaults.CarsPerHousehold,
            EvShare = settings.EvShare ?? defaults.EvShare,
            EbikesPerHousehold = settings.EbikesPerHousehold ?? defaults.EbikesPerHousehold,
            VisitorsPerDay = settings.VisitorsPerDay ?? defaults.VisitorsPerDay,
            NoShowRate = settings.NoShowRate ?? defaults.NoShowRate,
        };
    }
}
