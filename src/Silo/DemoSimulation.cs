using Microsoft.Extensions.Options;
using Parking.Storage;

namespace Parking.Silo;

/// <summary>Where the embedded default's simulated devices run unless a setting says otherwise.</summary>
internal static class DemoSimulation
{
    /// <summary>
    /// Leaves <paramref name="key"/>'s bound value when it is set; unset, the simulation is on only for the embedded
    /// default's first silo: not with PostgreSQL (real deployments, where every silo would play the same devices and
    /// re-issue their credentials under each other), not on a second local silo.
    /// </summary>
    public static OptionsBuilder<T> OnFirstEmbeddedSiloUnlessSet<T>(this OptionsBuilder<T> options, IConfiguration configuration, string key, Action<T, bool> set)
        where T : class
    {
        if (configuration[key] is not null)
        {
            return options;
        }

        var firstEmbeddedSilo = string.IsNullOrWhiteSpace(configuration.GetConnectionString(PostgresConnection.ConnectionStringName))
            && string.IsNullOrWhiteSpace(configuration[$"{ClusterOptions.SectionName}:{nameof(ClusterOptions.PrimarySiloPort)}"]);
        return options.PostConfigure(o => set(o, firstEmbeddedSilo));
    }
}
