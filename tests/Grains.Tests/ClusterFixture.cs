using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.TestingHost;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Parking.Grains.History;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// A two-silo test cluster with the small demo compound loaded and a clock the tests move; its silos place a compound's
/// grains at random (the product's <c>Parking:Cluster:Placement=Random</c>, not its default), so that the tests' calls
/// cross between the silos and every message a booking sends is serialised; <see cref="CompoundPlacedClusterFixture"/>
/// places them as the product's silo does by default.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));

    /// <summary>The test cluster's property that asks its silos to place a compound's grains together.</summary>
    private const string ByCompoundKey = "Parking:Test:PlaceByCompound";

    public ClusterFixture()
        : this(byCompound: false)
    {
    }

    protected ClusterFixture(bool byCompound)
    {
        var builder = new TestClusterBuilder(2).AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.Properties[ByCompoundKey] = byCompound ? "true" : "false";
        Cluster = builder.Build();
    }

    public TestCluster Cluster { get; }

    public IGrainFactory Grains => Cluster.Client;

    public CompoundLayout Layout { get; } = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);

    public string CompoundId => Layout.CompoundId;

    public async Task InitializeAsync()
    {
        await Cluster.DeployAsync();
        await Seed(Grains, Layout, Clock);
    }

    /// <summary>Loads a compound as the demo seed does: its layout, its people enrolled, its spaces configured and shared.</summary>
    internal static async Task Seed(IGrainFactory grains, CompoundLayout layout, TimeProvider clock)
    {
        await grains.Compound(layout.CompoundId).InitializeLayout(layout);

        // As an import enrols a compound's people: a person's own grains store only for a member of the compound.
        await Task.WhenAll(layout.Users.Select(u => grains.GetGrain<Parking.Grains.Membership.IMemberGrain>(u.UserId)
            .Enrol(new Parking.Domain.Membership.CompoundMembership(layout.CompoundId, u.Role, u.DisplayName, u.HouseholdId, u.BuildingId), [])));
        await Task.WhenAll(layout.Lots.SelectMany(l => l.Spaces).Select(s => grains.Space(s.CompoundId, s.SpaceId).Configure(s)));

        // As the demo seed: private spaces shared round the clock, so tests may book any space.
        var sharing = Parking.Domain.Sharing.DemoSharing.PlanFor(clock.GetUtcNow(), new Parking.Domain.Sharing.SharingPolicy())!;
        await Task.WhenAll(layout.Lots.SelectMany(l => l.Spaces).Where(s => s.Ownership == SpaceOwnership.Private)
            .Select(s => grains.Space(s.CompoundId, s.SpaceId).PublishSharing(sharing, new SharingPublisher("seed", s.OwnerHouseholdId))));
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>
    /// What every test silo runs with: the memory storage under <paramref name="storageName"/> (a test may put it
    /// behind a wrapper registered under the product's name), in-memory reminders and history, the given clock, and the
    /// per-silo services the grains take by their constructors, and a compound's grains placed at random (by compound,
    /// the product's default, when the cluster's builder asked for it).
    /// </summary>
    internal static void ConfigureSilo(ISiloBuilder siloBuilder, string storageName, TimeProvider clock)
    {
        siloBuilder.AddMemoryGrainStorage(storageName);

        // Stored state in Orleans' binary form, as the silo stores it (in memory and in PostgreSQL), not the
        // memory storage's default JSON: a Domain object keeps its collections in internal fields behind
        // read-only views, which only the generated codecs see.
        siloBuilder.Services.AddOptions<MemoryGrainStorageOptions>(storageName)
            .Configure<Serializer>((storage, serializer) => storage.GrainStorageSerializer = new StoredStateSerializer(serializer));
        siloBuilder.UseInMemoryReminderService();
        siloBuilder.Services.AddSingleton(new ParkingClock(clock));
        siloBuilder.Services.AddInMemoryReservationHistory();
        siloBuilder.AddCompoundPlacement(byCompound: siloBuilder.Configuration[ByCompoundKey] == "true");

        // The per-silo services the grains take (the product's silo has them from AddParkingRules).
        siloBuilder.Services.AddParkingSiloServices();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => ConfigureSilo(siloBuilder, GrainKeys.StorageName, Clock);
    }
}

/// <summary>The same two-silo cluster with a compound's grains placed together (<c>Parking:Cluster:Placement=Compound</c>).</summary>
public sealed class CompoundPlacedClusterFixture() : ClusterFixture(byCompound: true);

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
