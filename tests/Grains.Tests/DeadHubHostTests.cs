using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.TestingHost;
using Parking.Grains.Notifications;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// A hub host whose silo died: once the cluster has declared that silo dead, the notifier sends it nothing more,
/// although the hub directory still lists it (its lease runs a minute); the other hosts still get every batch. Before,
/// the notifier called the dead host too: here that call failed at once, before it left the notifier (nothing was
/// recorded), and took the rest of the batch's hosts with it, so the live host listed after it got nothing at all.
/// </summary>
[Collection(DeadHubHostCollection.Name)]
public sealed class DeadHubHostTests(DeadHubHostFixture fixture)
{
    [Fact]
    public void A_host_in_a_silos_process_is_known_by_its_silo_and_an_outside_clients_by_none()
    {
        var silo = Services(fixture.Cluster.Primary!);
        var inSilo = silo.GetRequiredService<IGrainFactory>().CreateObjectReference<IHubObserver>(new Recorder());
        var outside = fixture.Cluster.Client.CreateObjectReference<IHubObserver>(new Recorder());
        try
        {
            Assert.Equal(fixture.Cluster.Primary!.SiloAddress, HubHostSilo.Of(inSilo));
            Assert.Null(HubHostSilo.Of(outside));
        }
        finally
        {
            silo.GetRequiredService<IGrainFactory>().DeleteObjectReference<IHubObserver>(inSilo);
            fixture.Cluster.Client.DeleteObjectReference<IHubObserver>(outside);
        }
    }

    [Fact]
    public async Task Once_a_silo_is_declared_dead_no_batch_goes_to_the_hub_host_in_its_process()
    {
        var primary = fixture.Cluster.Primary!;
        var doomed = fixture.Cluster.SecondarySilos[0];
        var grains = Services(primary).GetRequiredService<IGrainFactory>();

        // A host in each silo's process, as the web host registers itself beside its silo.
        var deadHost = Services(doomed).GetRequiredService<IGrainFactory>().CreateObjectReference<IHubObserver>(new Recorder());
        var liveRecorder = new Recorder();
        var liveHost = grains.CreateObjectReference<IHubObserver>(liveRecorder);
        Assert.Equal(doomed.SiloAddress, HubHostSilo.Of(deadHost));

        await fixture.Cluster.KillSiloAsync(doomed);
        var membership = Services(primary).GetRequiredService<IClusterMembershipService>();
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (membership.CurrentSnapshot.GetSiloStatus(doomed.SiloAddress) != SiloStatus.Dead)
            {
                await Task.Delay(100, patience.Token);
            }
        }

        // The directory still lists the dead silo's host, as it does until the host's lease runs out (registered
        // again here: the directory's own activation may have been lost with the silo). Then the live host, so a copy
        // of the directory that lists the live one lists the dead one too.
        await grains.HubDirectory().Register("dead-host", deadHost);
        await grains.HubDirectory().Register("live-host", liveHost);
        Assert.Contains(deadHost, await grains.HubDirectory().GetObservers());
        fixture.Deliveries.Clear();

        // Changes until the live host gets one, that is until the notifier's copy lists both hosts; then one more.
        var notifier = grains.PushNotifier();
        var waited = Stopwatch.StartNew();
        while (!liveRecorder.Got(1) && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await notifier.Publish(Change(1));
            await Task.Delay(100);
        }

        await notifier.Publish(Change(2));
        while (!liveRecorder.Got(2) && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(20);
        }

        // What the notifier called first (a call to the dead host is recorded before it leaves), then what came.
        var sentTo = fixture.Deliveries.ToArray();
        Assert.DoesNotContain(deadHost.GetGrainId(), sentTo);
        Assert.Contains(liveHost.GetGrainId(), sentTo);
        Assert.True(liveRecorder.Got(2), "the live host got the change published after its copy of the directory listed it");

        await grains.HubDirectory().Unregister("dead-host");
        await grains.HubDirectory().Unregister("live-host");
        grains.DeleteObjectReference<IHubObserver>(liveHost);
    }

    private static IServiceProvider Services(SiloHandle silo) => ((InProcessSiloHandle)silo).SiloHost!.Services;

    private static LotChangedPush Change(long sequence) =>
        LotChangedPush.Published("c1", "dead-host-lot", Guid.Empty, new LotChange(sequence, null!), null);

    private sealed class Recorder : IHubObserver
    {
        private readonly ConcurrentQueue<long> _sequences = [];

        public bool Got(long sequence) => _sequences.Contains(sequence);

        public Task Deliver(IReadOnlyList<Push> pushes)
        {
            foreach (var change in pushes.OfType<LotChangedPush>())
            {
                _sequences.Enqueue(change.Change.Sequence);
            }

            return Task.CompletedTask;
        }
    }
}

/// <summary>
/// Two silos that declare a silo dead within seconds of its loss (one missed probe of a second, one vote), each
/// recording whom its grains call <see cref="IHubObserver.Deliver"/> on. Its own cluster: a test kills a silo.
/// </summary>
public sealed class DeadHubHostFixture : IAsyncLifetime
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<GrainId>> Recorded = new();

    private readonly string _name = Guid.NewGuid().ToString("N");

    public DeadHubHostFixture()
    {
        var builder = new TestClusterBuilder(2).AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.Properties[SiloConfigurator.RecordKey] = _name;
        Cluster = builder.Build();
        Recorded[_name] = new ConcurrentQueue<GrainId>();
    }

    public TestCluster Cluster { get; }

    /// <summary>The observers whose <see cref="IHubObserver.Deliver"/> the silos' grains called, in order.</summary>
    public ConcurrentQueue<GrainId> Deliveries => Recorded[_name];

    public async Task InitializeAsync() => await Cluster.DeployAsync();

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Recorded.TryRemove(_name, out _);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public const string RecordKey = "Parking:Test:RecordDeliveries";

        public void Configure(ISiloBuilder siloBuilder)
        {
            ClusterFixture.ConfigureSilo(siloBuilder, GrainKeys.StorageName, new FakeTimeProvider());
            siloBuilder.Services.AddParkingRules();
            siloBuilder.Services.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 1;
                options.NumVotesForDeathDeclaration = 1;
            });

            var deliveries = Recorded[siloBuilder.Configuration[RecordKey]!];
            siloBuilder.AddOutgoingGrainCallFilter(async call =>
            {
                if (call.InterfaceMethod?.DeclaringType == typeof(IHubObserver))
                {
                    deliveries.Enqueue(call.TargetId);
                }

                await call.Invoke();
            });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DeadHubHostCollection : ICollectionFixture<DeadHubHostFixture>
{
    public const string Name = "dead-hub-host";
}
