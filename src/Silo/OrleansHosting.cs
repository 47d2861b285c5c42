using System.Net;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Parking.Domain;
using Parking.Grains;
using Parking.Storage;

namespace Parking.Silo;

/// <summary>
/// Cluster settings (<c>Parking:Cluster</c>): ports, identity and, with PostgreSQL, the address other
/// silos reach this one at. Silos on loopback by default.
/// </summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Parking:Cluster";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The silo port of the first silo, for a second silo on the same machine to join; empty for the first.</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>
    /// Embedded default only: the first silo keeps grain state in its own memory (<see cref="InProcessGrainStorage"/>)
    /// instead of in Orleans' memory storage grains, which saves a grain call on every write. No other silo can read that
    /// state, so set it to false on the first silo of a local cluster of several; a silo that joins another
    /// (<see cref="PrimarySiloPort"/>) always uses the memory storage grains.
    /// </summary>
    public bool InProcessStorage { get; set; } = true;

    public string ClusterId { get; set; } = "parking-dev";

    public string ServiceId { get; set; } = "parking";

    /// <summary>
    /// The address this silo advertises in the PostgreSQL membership table; loopback by default, so several
    /// silos on one machine (different ports) form one cluster. Set it to the host's address across machines.
    /// </summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>
    /// How often a silo probes the others, and how long it waits for each answer. With
    /// <see cref="MissedProbesLimit"/> it sets how soon a dead silo is declared dead and its grains move:
    /// about <c>ProbeTimeout × MissedProbesLimit</c> (3 s by default; Orleans' own defaults take about 13 s).
    /// Shorter risks declaring a silo dead that only paused (a long GC, a saturated machine).
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes in a row after which a silo suspects another (two suspicions declare it dead).</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>
    /// How far a silo may stretch its wait for a probe's answer when the answers come slowly (Orleans adapts each
    /// probe's timeout to the answers it saw, up to this bound; its own bound is four times <see cref="ProbeTimeout"/>).
    /// Empty: Orleans' bound. On a machine loaded far past its cores the waits stretch to it, so a killed silo is
    /// declared dead after up to <c>MaxProbeTimeout × MissedProbesLimit</c>: 12 s with the defaults (measured 13.4 s at
    /// load average 90 in the sub-district bench). Lower it (not below <see cref="ProbeTimeout"/>) to bound that wait;
    /// a silo that only paused is still protected while its connections carry messages (Orleans' liveness check).
    /// </summary>
    public TimeSpan? MaxProbeTimeout { get; set; }

    /// <summary>
    /// How long a call between grains waits for its answer before it fails (Orleans' <c>ResponseTimeout</c>; 30 s, as in
    /// Orleans). A call to a silo that dies does not wait this long: Orleans fails every call waiting on a silo as soon
    /// as the cluster declares it dead (see <see cref="ProbeTimeout"/>), and the request is answered 503 with
    /// Retry-After. This bounds only the calls nothing else ends (a grain that hangs, a message lost on the way); lower
    /// makes such a request fail sooner, but too low fails long operations (a compound import, a plan).
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where a compound's grains (spaces, lots, residents, household ledgers, settlement shards, archives, the compound)
    /// are activated: <see cref="GrainPlacement.Compound"/> (the default) puts all of one compound's on one silo, chosen
    /// by its id, so a booking's and a search's grain calls stay in one process and a request crosses silos at most once
    /// (from the silo that took it to its compound's); the price is that a compound is the unit of balance: a busy
    /// compound loads one silo, and the shares are as even as the hash deals compounds out (80 compounds over three
    /// silos: 27 each, give or take 4, one standard deviation; with 8, one silo may well get 4 and another 1).
    /// <see cref="GrainPlacement.Random"/> spreads each grain over the silos at random: even shares whatever the
    /// compounds, but about two of every three calls of a booking leave the silo. With one silo the two are the same.
    /// Measured in docs/credits.md (session 26).
    /// </summary>
    public GrainPlacement Placement { get; set; } = GrainPlacement.Compound;

    /// <summary>
    /// Which grain directory finds a grain's activation (PostgreSQL clusters only; the embedded default has one silo).
    /// <see cref="ClusterDirectory.Local"/>: Orleans' default, a hash ring of partitions without replicas; when a silo dies,
    /// the survivors also drop every activation whose entry that silo's partition held (about a third of theirs with three
    /// silos), and a request caught in the middle of such a drop waits out the deactivation. <see cref="ClusterDirectory.Distributed"/>:
    /// Orleans' strongly consistent directory (marked experimental in Orleans 10), whose survivors recover the dead silo's
    /// ranges from their own activations instead of dropping them.
    /// </summary>
    public ClusterDirectory GrainDirectory { get; set; } = ClusterDirectory.Local;

    /// <summary>Refuses settings Orleans would misread or fail on later, naming every such setting and the reason at once.</summary>
    public void Validate()
    {
        var check = new SettingsCheck(SectionName);
        void Port(string name, int? port) =>
            check.That(port is not (< IPEndPoint.MinPort + 1 or > IPEndPoint.MaxPort), name, $"be a port from 1 to {IPEndPoint.MaxPort} (it is {port})");

        Port(nameof(SiloPort), SiloPort);
        Port(nameof(GatewayPort), GatewayPort);
        Port(nameof(PrimarySiloPort), PrimarySiloPort);
        check.That(SiloPort != GatewayPort, nameof(GatewayPort), $"differ from {nameof(SiloPort)} (both are {SiloPort})");
        check.NotEmpty(nameof(ClusterId), ClusterId);
        check.NotEmpty(nameof(ServiceId), ServiceId);
        check.That(
            string.IsNullOrWhiteSpace(AdvertisedIp) || IPAddress.TryParse(AdvertisedIp, out _),
            nameof(AdvertisedIp),
            $"be an IP address such as 10.0.0.5 (it is '{AdvertisedIp}')");
        check.That(ProbeTimeout > TimeSpan.Zero, nameof(ProbeTimeout), $"be positive (it is {ProbeTimeout})");
        check.That(MissedProbesLimit >= 1, nameof(MissedProbesLimit), $"be at least 1 (it is {MissedProbesLimit})");
        check.That(
            MaxProbeTimeout is not { } max || max >= ProbeTimeout,
            nameof(MaxProbeTimeout),
            $"be at least {nameof(ProbeTimeout)} ({ProbeTimeout}) or empty (it is {MaxProbeTimeout})");
        check.That(ResponseTimeout > TimeSpan.Zero, nameof(ResponseTimeout), $"be positive (it is {ResponseTimeout})");
        check.That(Enum.IsDefined(Placement), nameof(Placement), $"be {GrainPlacement.Compound} or {GrainPlacement.Random} (it is {(int)Placement})");
        check.That(Enum.IsDefined(GrainDirectory), nameof(GrainDirectory), $"be {ClusterDirectory.Local} or {ClusterDirectory.Distributed} (it is {(int)GrainDirectory})");
        check.ThrowIfFailed(typeof(ClusterOptions));
    }

    public IPAddress AdvertisedAddress => string.IsNullOrWhiteSpace(AdvertisedIp) ? IPAddress.Loopback : IPAddress.Parse(AdvertisedIp);
}

/// <summary>How a compound's grains are spread over the silos (<see cref="ClusterOptions.Placement"/>).</summary>
public enum GrainPlacement
{
    /// <summary>Each grain on a silo at random.</summary>
    Random,

    /// <summary>All of one compound's grains on one silo, chosen by the compound id (<see cref="CompoundPlacement"/>).</summary>
    Compound,
}

/// <summary>The grain directory of a PostgreSQL cluster (<see cref="ClusterOptions.GrainDirectory"/>).</summary>
public enum ClusterDirectory
{
    /// <summary>Orleans' default in-cluster directory.</summary>
    Local,

    /// <summary>Orleans' strongly consistent distributed directory.</summary>
    Distributed,
}

public static class OrleansHosting
{
    /// <summary>
    /// The silo in this process. Without <c>ConnectionStrings:Parking</c>, the embedded default: localhost
    /// clustering, grain state and reminders in memory. With it, membership, grain state and reminders in
    /// PostgreSQL, whose schema is brought up to date before Orleans starts. Grains read domain time from
    /// <see cref="ParkingClock"/>; Orleans keeps the real clock.
    /// </summary>
    public static WebApplicationBuilder AddParkingOrleans(this WebApplicationBuilder builder)
    {
        var cluster = builder.AddSiloSettings().Cluster;
        var postgres = builder.AddStorageSettings().ConnectionString;
        builder.Services.AddSingleton(ParkingClock.RealTime);
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            // Before UseOrleans, so the schema exists when the providers read their queries at silo start.
            builder.AddSchemaMigration(postgres);
        }

        builder.UseOrleans(silo =>
        {
            if (string.IsNullOrWhiteSpace(postgres))
            {
                UseEmbeddedDefault(silo, cluster);
            }
            else
            {
                silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ServiceId;
                });

                // A non-loopback address is the host's (or container's) own: listen on every interface then,
                // since the advertised address may be one the process cannot bind (behind NAT).
                var address = cluster.AdvertisedAddress;
                silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
                silo.UseParkingPostgres(postgres, GrainKeys.StorageName);
                if (cluster.GrainDirectory == ClusterDirectory.Distributed)
                {
#pragma warning disable ORLEANSEXP003 // Experimental in Orleans 10: chosen by setting, see ClusterOptions.GrainDirectory.
                    silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
                }
            }

            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromMinutes(1));
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = cluster.ProbeTimeout;
                o.NumMissedProbesLimit = cluster.MissedProbesLimit;
                if (cluster.MaxProbeTimeout is { } max)
                {
                    o.MaxProbeTimeout = max;
                }
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);
            silo.AddCompoundPlacement(byCompound: cluster.Placement == GrainPlacement.Compound);
        });
        return builder;
    }

    private static void UseEmbeddedDefault(ISiloBuilder silo, ClusterOptions cluster)
    {
        silo.UseLocalhostClustering(
            siloPort: cluster.SiloPort,
            gatewayPort: cluster.GatewayPort,
            primarySiloEndpoint: cluster.PrimarySiloPort is { } primary ? new IPEndPoint(IPAddress.Loopback, primary) : null,
            serviceId: cluster.ServiceId,
            clusterId: cluster.ClusterId);
        if (cluster.InProcessStorage && cluster.PrimarySiloPort is null)
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(GrainKeys.StorageName, (services, _) =>
                new InProcessGrainStorage(
                    new StoredStateSerializer(services.GetRequiredService<Serializer>()),
                    new SiloCount(services.GetRequiredService<IClusterMembershipService>()).Current));
        }
        else
        {
            silo.AddMemoryGrainStorage(GrainKeys.StorageName);

            // Orleans' binary serializer for stored state: the default (JSON) took half the CPU of a reservation.
            silo.Services.AddOptions<MemoryGrainStorageOptions>(GrainKeys.StorageName)
                .Configure<Serializer>((storage, serializer) => storage.GrainStorageSerializer = new StoredStateSerializer(serializer));
        }

        silo.UseInMemoryReminderService();
    }

    /// <summary>How many silos are joining or active in the cluster, counted again only when the membership changes.</summary>
    private sealed class SiloCount(IClusterMembershipService membership)
    {
        private Counted _last = new(MembershipVersion.MinValue, 1);

        public int Current()
        {
            var snapshot = membership.CurrentSnapshot;
            var last = _last;
            if (snapshot.Version == last.Version)
            {
                return last.Count;
            }

            var count = snapshot.Members.Values.Count(m => m.Status is SiloStatus.Joining or SiloStatus.Active);
            _last = new Counted(snapshot.Version, count);
            return count;
        }

        private sealed record Counted(MembershipVersion Version, int Count);
    }
}
