using System.Net;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Parking.Domain;
using Parking.Grains;

namespace Parking.Silo;

/// <summary>Cluster settings (<c>Parking:Cluster</c>) for the embedded default: silos on loopback.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Parking:Cluster";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The silo port of the first silo, for a second silo on the same machine to join; empty for the first.</summary>
    public int? PrimarySiloPort { get; set; }

    public string ClusterId { get; set; } = "parking-dev";

    public string ServiceId { get; set; } = "parking";
}

public static class OrleansHosting
{
    /// <summary>
    /// The silo in this process. Embedded default: localhost clustering, grain state and reminders in
    /// memory. Grains read domain time from <see cref="ParkingClock"/>; Orleans keeps the real clock.
    /// </summary>
    public static WebApplicationBuilder AddParkingOrleans(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();
        builder.Services.AddSingleton(ParkingClock.RealTime);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(
                siloPort: cluster.SiloPort,
                gatewayPort: cluster.GatewayPort,
                primarySiloEndpoint: cluster.PrimarySiloPort is { } primary ? new IPEndPoint(IPAddress.Loopback, primary) : null,
                serviceId: cluster.ServiceId,
                clusterId: cluster.ClusterId);
            silo.AddMemoryGrainStorage(GrainKeys.StorageName);

            // Orleans' binary serializer for stored state: the default (JSON) took half the CPU of a reservation.
            silo.Services.AddOptions<MemoryGrainStorageOptions>(GrainKeys.StorageName)
                .Configure<Serializer>((storage, serializer) => storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromMinutes(1));
        });
        return builder;
    }
}
