using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.TestingHost;
using Parking.Domain;
using Parking.Domain.Credits;
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
        await fixture.Recorder.Quiet(c => c.StartsWith("write settlement", StringComparison.Ordinal));
        await StoredWrites();

        fixture.Recorder.Start();
        var booked = await grain.Reserve(common[1].SpaceId, new TimeWindow(start, start.AddHours(1)), null, null);
        Assert.True(booked.IsSuccess, booked.Error?.Message);
        var answered = fixture.Recorder.Snapshot();

        // After the answer: the settlement (gathered for a while) and the one-way messages.
        await fixture.Recorder.Quiet(c => c.StartsWith("write settlement", StringComparison.Ordinal));
        await StoredWrites();
        var all = fixture.Recorder.Stop();
        output.WriteLine($"Before the answer ({answered.Count}):");
        answered.ForEach(c => output.WriteLine("  " + c));
        output.WriteLine($"After it ({all.Count - answered.Count}):");
        all.Skip(answered.Count).ToList().ForEach(c => output.WriteLine("  " + c));
        return (answered, all);
    }

    /// <summary>Whether each write is a call to a storage grain too (Orleans' memory storage).</summary>
    protected virtual bool WritesCallStorageGrains => false;

    /// <summary>
    /// With the memory storage, a write is recorded before its call to the storage grain: waits (bounded) until every write
    /// recorded has made its call, so the warm-up's last call does not fall into the booking's count.
    /// </summary>
    private async Task StoredWrites()
    {
        for (var i = 0; i < 600 && WritesCallStorageGrains; i++)
        {
            var seen = fixture.Recorder.Snapshot();
            if (seen.Count(c => c == "call MemoryStorageGrain.WriteStateAsync") >= seen.Count(c => c.StartsWith("write ", StringComparison.Ordinal)))
            {
                return;
            }

            await Task.Delay(50);
        }
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

        // Three states written before the answer (the short lists here are stored whole), the shard's after it: only what
        // the report changed, not every household's balance (session 26).
        Assert.Equal(["household-ledger-recent", "resident", "space"], Writes(answered));
        Assert.Equal(["household-ledger-recent", "resident", "settlement-recent", "space"], Writes(all));
    }
}

/// <summary>With Orleans' memory storage (the embedded default before session 21, and a local cluster's): a grain call per write.</summary>
[Collection(MemoryStorageCallsCollection.Name)]
public class MemoryStorageBookingCallTests(MemoryStorageCallsFixture fixture, ITestOutputHelper output) : BookingCallCountTests(fixture, output)
{
    protected override bool WritesCallStorageGrains => true;

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

/// <summary>
/// The settlement of several households' bookings on one silo: a booking's report to its settlement shard goes with those
/// of the silo's other households, so the shard's calls do not grow with the bookings. The shard's first call is held by
/// the test until the other bookings are answered, so what goes in which call does not depend on timing.
/// </summary>
[Collection(InProcessStorageCallsCollection.Name)]
public class SettlementCallTests(InProcessStorageCallsFixture fixture)
{
    [Fact]
    public async Task Four_households_booking_while_their_shard_is_busy_make_two_settlement_calls_not_four()
    {
        var layout = fixture.Demo;
        var grains = fixture.Grains;
        var residents = layout.Users.Where(u => u.Role == UserRole.Resident && u.HouseholdId is not null).ToList();

        // Four households one shard settles (not the household of the resident the other tests book for).
        var group = residents.Skip(1).Where(u => u.HouseholdId != residents[0].HouseholdId)
            .GroupBy(u => u.HouseholdId!, StringComparer.Ordinal).Select(g => g.First())
            .GroupBy(u => Accounts.SettlementShard(Accounts.Household(u.HouseholdId!), GrainKeys.SettlementShards))
            .First(g => g.Count() >= 4).Take(4).ToList();
        var shard = grains.SettlementShard(layout.CompoundId, Accounts.SettlementShard(Accounts.Household(group[0].HouseholdId!), GrainKeys.SettlementShards));
        var spaces = layout.Lots.SelectMany(l => l.Spaces).Where(s => s.Ownership == SpaceOwnership.Common).Skip(2).Take(8).ToList();
        var start = BookingCallsFixture.Clock.GetUtcNow().AddHours(5);

        async Task Book(int resident, int space)
        {
            // Warm-up and counted bookings an hour apart, so no resident holds two at once.
            var from = start.AddHours(2 * (space / 4));
            var booked = await grains.Resident(layout.CompoundId, group[resident].UserId).Reserve(spaces[space].SpaceId, new TimeWindow(from, from.AddHours(1)), null, null);
            Assert.True(booked.IsSuccess, booked.Error?.Message);
        }

        // Warm-up: every grain active, every household's settlement confirmed.
        for (var i = 0; i < 4; i++)
        {
            await Book(i, i);
        }

        foreach (var member in group)
        {
            Assert.Equal(0, await grains.HouseholdLedger(layout.CompoundId, member.HouseholdId!).DeliverNow());
        }

        var before = (await shard.GetView(1)).Transactions;
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Recorder.HoldSettlement(held.Task);
        fixture.Recorder.Start();
        try
        {
            // The first booking's report reaches the shard and is held there; the other three are answered meanwhile.
            await Book(0, 4);
            await fixture.Recorder.Quiet(IsSettlement);
            for (var i = 1; i < 4; i++)
            {
                await Book(i, 4 + i);
            }
        }
        finally
        {
            held.SetResult();
        }

        // Bounded wait until the shard has applied all four bookings' transactions.
        for (var i = 0; i < 600 && (await shard.GetView(1)).Transactions < before + 4; i++)
        {
            await Task.Delay(50);
        }

        var recorded = fixture.Recorder.Stop();
        fixture.Recorder.HoldSettlement(null);
        Assert.Equal(before + 4, (await shard.GetView(1)).Transactions);
        Assert.Equal(2, recorded.Count(IsSettlement));
        foreach (var member in group)
        {
            Assert.Equal(0, await grains.HouseholdLedger(layout.CompoundId, member.HouseholdId!).DeliverNow());
        }
    }

    private static bool IsSettlement(string recorded) => recorded.StartsWith("call SettlementShardGrain.Settle", StringComparison.Ordinal);
}

/// <summary>Records grain calls (target grain type and method) and state writes (state name) while a test asks it to.</summary>
public sealed class CallRecorder : IIncomingGrainCallFilter
{
    private readonly ConcurrentQueue<string> _seen = new();
    private volatile bool _on;
    private volatile Task? _holdSettlement;

    /// <summary>Calls that settle with a shard wait for this task before they run (null: none wait).</summary>
    public void HoldSettlement(Task? until) => _holdSettlement = until;

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
            if (_holdSettlement is { } hold && type.Name == "SettlementShardGrain" && context.ImplementationMethod.Name.StartsWith("Settle", StringComparison.Ordinal))
            {
                await hold;
            }
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
