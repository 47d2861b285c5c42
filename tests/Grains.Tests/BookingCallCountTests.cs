using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.TestingHost;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Xunit;
using Xunit.Abstractions;

namespace Parking.Grains.Tests;

/// <summary>
/// Every grain call and every state write one booking makes on the embedded default (one silo, the memory storage):
/// a filter records each call a grain receives (the memory storage's own grain included, one call per write) and a
/// wrapper around the storage records each write by state name. A warm-up booking of the same resident, household and
/// lot activates everything first, so what is counted is a booking's steady cost, not activations.
/// </summary>
public abstract class BookingCallCountTests(BookingCallsFixture fixture, ITestOutputHelper output)
{
    /// <summary>One booking of a warmed-up resident: what was recorded before its answer, and everything once the settlement is stored.</summary>
    protected async Task<(List<string> Answered, List<string> All)> Book()
    {
        var layout = fixture.Demo;
        var common = layout.Lots.SelectMany(l => l.Spaces).Where(s => s.Ownership == SpaceOwnership.Common).Take(2).ToList();
        var resident = layout.Users.First(u => u.Role == UserRole.Resident && u.HouseholdId is not null);
        var grain = fixture.Grains.Resident(layout.CompoundId, resident.UserId);
        var start = BookingCallsFixture.Clock.GetUtcNow().AddHours(2);

        // Warm-up: every grain on the path active, the settlement stored.
        fixture.Recorder.Start();
        var warm = await grain.Reserve(common[0].SpaceId, new TimeWindow(start, start.AddHours(1)), null, null);
        Assert.True(warm.IsSuccess, warm.Error?.Message);
        await fixture.Recorder.Quiet(c => c == "write settlement");

        fixture.Recorder.Start();
        var booked = await grain.Reserve(common[1].SpaceId, new TimeWindow(start, start.AddHours(1)), null, null);
        Assert.True(booked.IsSuccess, booked.Error?.Message);
        var answered = fixture.Recorder.Snapshot();

        // After the answer: the settlement (gathered for a while) and the one-way messages.
        await fixture.Recorder.Quiet(c => c == "write settlement");
        var all = fixture.Recorder.Stop();
        output.WriteLine($"Before the answer ({answered.Count}):");
        answered.ForEach(c => output.WriteLine("  " + c));
        output.WriteLine($"After it ({all.Count - answered.Count}):");
        all.Skip(answered.Count).ToList().ForEach(c => output.WriteLine("  " + c));
        return (answered, all);
    }

    protected static List<string> Writes(IEnumerable<string> recorded) =>
        [.. recorded.Where(c => c.StartsWith("write ", StringComparison.Ordinal)).Select(c => c["write ".Length..]).Order(StringComparer.Ordinal)];

    protected static List<string> Calls(IEnumerable<string> recorded) =>
        [.. recorded.Where(c => c.StartsWith("call ", StringComparison.Ordinal)).Select(c => c["call ".Length..]).Order(StringComparer.Ordinal)];

    /// <summary>The project's grain calls and the states written, whichever storage keeps them.</summary>
    protected static void AssertTheBookingsOwnWork(List<string> answered, List<string> all)
    {
        // The resident, the space, the household's charge and its settlement report, the lot, and one message to the
        // notifier with the lot's change and the reservation's (two before session 21: the space sent its own). The push
        // notifier's refresh of its hub directory, every 2 s whatever happens, may fall in and is not the booking's.
        Assert.Equal(
            ["HouseholdLedgerGrain.Charge", "LotGrain.SpaceChanged", "ParkingSpaceGrain.Reserve", "PushNotifierGrain.PublishAll", "ResidentGrain.Reserve", "SettlementShardGrain.SettleAll"],
            Calls(all).Where(c => !c.StartsWith("MemoryStorage", StringComparison.Ordinal) && !c.StartsWith("HubDirectoryGrain", StringComparison.Ordinal)));

        // Three states written before the answer (the short lists here are stored whole), the shard's after it.
        Assert.Equal(["household-ledger-recent", "resident", "space"], Writes(answered));
        Assert.Equal(["household-ledger-recent", "resident", "settlement", "space"], Writes(all));
    }
}

/// <summary>With Orleans' memory storage (the embedded default before session 21, and a local cluster's): a grain call per write.</summary>
[Collection(MemoryStorageCallsCollection.Name)]
public class MemoryStorageBookingCallTests(MemoryStorageCallsFixture fixture, ITestOutputHelper output) : BookingCallCountTests(fixture, output)
{
    [Fact]
    public async Task A_booking_makes_six_grain_calls_four_state_writes_and_a_storage_grain_call_for_each_write()
    {
        var (answered, all) = await Book();
        AssertTheBookingsOwnWork(answered, all);
        Assert.Equal(Writes(all).Count, Calls(all).Count(c => c == "MemoryStorageGrain.WriteStateAsync"));
    }
}

/// <summary>With the embedded default's <see cref="InProcessGrainStorage"/>: the same writes, no storage grain called.</summary>
[Collection(InProcessStorageCallsCollection.Name)]
public class InProcessStorageBookingCallTests(InProcessStorageCallsFixture fixture, ITestOutputHelper output) : BookingCallCountTests(fixture, output)
{
    [Fact]
    public async Task A_booking_makes_six_grain_calls_and_four_state_writes_without_calling_a_storage_grain()
    {
        var (answered, all) = await Book();
        AssertTheBookingsOwnWork(answered, all);
        Assert.DoesNotContain(Calls(all), c => c.StartsWith("MemoryStorage", StringComparison.Ordinal));
    }
}

/// <summary>Records grain calls (target grain type and method) and state writes (state name) while a test asks it to.</summary>
public sealed class CallRecorder : IIncomingGrainCallFilter
{
    private readonly ConcurrentQueue<string> _seen = new();
    private volatile bool _on;

    public void Start()
    {
        _seen.Clear();
        _on = true;
    }

    public List<string> Snapshot() => [.. _seen];

    public List<string> Stop()
    {
        _on = false;
        return [.. _seen];
    }

    public void Add(string what)
    {
        if (_on)
        {
            _seen.Enqueue(what);
        }
    }

    /// <summary>Waits (polling, up to 30 s) until a call or write the condition names has been recorded since the last start.</summary>
    public async Task Quiet(Func<string, bool> seen)
    {
        for (var i = 0; i < 600 && !_seen.Any(seen); i++)
        {
            await Task.Delay(50);
        }

        Assert.Contains(_seen, c => seen(c));
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        // The project's grains and the memory storage's, not the runtime's own (load publishing and the like).
        var type = context.Grain.GetType();
        if (type.Namespace?.StartsWith("Parking", StringComparison.Ordinal) == true || type.Name.StartsWith("MemoryStorage", StringComparison.Ordinal))
        {
            Add($"call {type.Name}.{context.ImplementationMethod.Name}");
        }

        await context.Invoke();
    }
}

/// <summary>The storage wrapper that tells the recorder of each write.</summary>
public sealed class RecordingStorage(Orleans.Storage.IGrainStorage inner, CallRecorder recorder) : Orleans.Storage.IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        recorder.Add($"write {stateName}");
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}

/// <summary>One silo of its own, the small demo compound, its storage behind <see cref="RecordingStorage"/>.</summary>
public abstract class BookingCallsFixture : IAsyncLifetime
{
    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));

    protected BookingCallsFixture(TestCluster cluster) => Cluster = cluster;

    public TestCluster Cluster { get; }

    public IGrainFactory Grains => Cluster.Client;

    public CompoundLayout Demo { get; } = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);

    public IServiceProvider Services => ((InProcessSiloHandle)Cluster.Primary!).SiloHost!.Services;

    public CallRecorder Recorder => Services.GetRequiredService<CallRecorder>();

    public async Task InitializeAsync()
    {
        await Cluster.DeployAsync();
        await ClusterFixture.Seed(Grains, Demo, Clock);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>The recorder, and the storage (the memory storage or <paramref name="inProcess"/>) behind it under the product's name.</summary>
    protected static void Configure(ISiloBuilder siloBuilder, bool inProcess)
    {
        const string Inner = "recorded-inner";
        ClusterFixture.ConfigureSilo(siloBuilder, Inner, Clock);
        if (inProcess)
        {
            siloBuilder.Services.AddKeyedSingleton<Orleans.Storage.IGrainStorage>(
                Inner, (services, _) => new InProcessGrainStorage(new StoredStateSerializer(services.GetRequiredService<Orleans.Serialization.Serializer>()), () => 1));
        }

        siloBuilder.Services.AddSingleton<CallRecorder>();
        siloBuilder.Services.AddKeyedSingleton<Orleans.Storage.IGrainStorage>(
            GrainKeys.StorageName,
            (services, _) => new RecordingStorage(services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(Inner), services.GetRequiredService<CallRecorder>()));
        siloBuilder.Services.AddSingleton<IIncomingGrainCallFilter>(services => services.GetRequiredService<CallRecorder>());
    }
}

public sealed class MemoryStorageCallsFixture() : BookingCallsFixture(new TestClusterBuilder(1).AddSiloBuilderConfigurator<SiloConfigurator>().Build())
{
    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => BookingCallsFixture.Configure(siloBuilder, inProcess: false);
    }
}

public sealed class InProcessStorageCallsFixture() : BookingCallsFixture(new TestClusterBuilder(1).AddSiloBuilderConfigurator<SiloConfigurator>().Build())
{
    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => BookingCallsFixture.Configure(siloBuilder, inProcess: true);
    }
}

[CollectionDefinition(Name)]
public sealed class MemoryStorageCallsCollection : ICollectionFixture<MemoryStorageCallsFixture>
{
    public const string Name = "booking-calls-memory-storage";
}

[CollectionDefinition(Name)]
public sealed class InProcessStorageCallsCollection : ICollectionFixture<InProcessStorageCallsFixture>
{
    public const string Name = "booking-calls-in-process-storage";
}
