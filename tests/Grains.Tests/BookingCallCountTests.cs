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
[Collection(BookingCallsCollection.Name)]
public class BookingCallCountTests(BookingCallsFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_booking_makes_the_grain_calls_and_state_writes_listed_in_the_credits_page()
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
        await fixture.Recorder.Quiet(c => c.Contains("write settlement", StringComparison.Ordinal));

        fixture.Recorder.Start();
        var booked = await grain.Reserve(common[1].SpaceId, new TimeWindow(start, start.AddHours(1)), null, null);
        Assert.True(booked.IsSuccess, booked.Error?.Message);
        var answered = fixture.Recorder.Snapshot();

        // After the answer: the settlement (gathered) and the one-way messages.
        await fixture.Recorder.Quiet(c => c.Contains("write settlement", StringComparison.Ordinal));
        var all = fixture.Recorder.Stop();
        output.WriteLine($"Before the answer ({answered.Count}):");
        answered.ForEach(c => output.WriteLine("  " + c));
        output.WriteLine($"After it ({all.Count - answered.Count}):");
        all.Skip(answered.Count).ToList().ForEach(c => output.WriteLine("  " + c));

        var writes = all.Where(c => c.StartsWith("write ", StringComparison.Ordinal)).ToList();
        var beforeAnswer = answered.Where(c => c.StartsWith("write ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["write resident-recent", "write space-recent"], beforeAnswer.Order(StringComparer.Ordinal));
        Assert.Contains("write settlement", writes);
        Assert.DoesNotContain(writes, w => w.StartsWith("write household-ledger", StringComparison.Ordinal) && answered.Contains(w));
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

/// <summary>One silo of its own, the small demo compound, the memory storage behind <see cref="RecordingStorage"/>.</summary>
public sealed class BookingCallsFixture : IAsyncLifetime
{
    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));

    public TestCluster Cluster { get; } = new TestClusterBuilder(1).AddSiloBuilderConfigurator<SiloConfigurator>().Build();

    public IGrainFactory Grains => Cluster.Client;

    public CompoundLayout Demo { get; } = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);

    public CallRecorder Recorder => ((InProcessSiloHandle)Cluster.Primary!).SiloHost!.Services.GetRequiredService<CallRecorder>();

    public async Task InitializeAsync()
    {
        await Cluster.DeployAsync();
        await ClusterFixture.Seed(Grains, Demo, Clock);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        private const string Inner = "recorded-inner";

        public void Configure(ISiloBuilder siloBuilder)
        {
            ClusterFixture.ConfigureSilo(siloBuilder, Inner, Clock);
            siloBuilder.Services.AddSingleton<CallRecorder>();
            siloBuilder.Services.AddKeyedSingleton<Orleans.Storage.IGrainStorage>(
                GrainKeys.StorageName,
                (services, _) => new RecordingStorage(services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(Inner), services.GetRequiredService<CallRecorder>()));
            siloBuilder.Services.AddSingleton<IIncomingGrainCallFilter>(services => services.GetRequiredService<CallRecorder>());
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BookingCallsCollection : ICollectionFixture<BookingCallsFixture>
{
    public const string Name = "booking-calls";
}
