using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Parking.Domain.Voting;
using Parking.Grains.Voting;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// A write that storage refuses (WriteOrDeactivateAsync): the caller sees the failure, the activation whose memory
/// ran ahead of storage is dropped, the next call reloads what was really stored, and later writes go through. One
/// silo of its own whose grain storage is the memory storage behind a wrapper that fails one write the test arms;
/// a clock of its own, so no other test moves it.
/// </summary>
[Collection(WriteFailureCollection.Name)]
public class WriteFailureTests(WriteFailureFixture fixture)
{
    private static DateTimeOffset Now => WriteFailureFixture.Clock.GetUtcNow();

    private static Voter Of(int household) => new($"r{household}", $"H{household}");

    [Fact]
    public async Task A_refused_write_fails_the_call_drops_the_activation_and_the_next_call_sees_only_what_was_stored()
    {
        const string compoundId = "write-failure";
        await fixture.Grains.Compound(compoundId).InitializeLayout(new CompoundLayout(
            compoundId,
            "Write failure",
            [new Building("B01", "Building 1")],
            [],
            [.. Enumerable.Range(1, 4).Select(i => new Household($"H{i}", "B01", $"B01-{100 + i}", 100m))],
            []));
        var created = await fixture.Grains.Proposals(compoundId).Create(
            new ProposalDraft("Paint the lines", "Lot G1", "sc-lines", 1, VoteMatter.Other, Now, Now.AddDays(7)), "committee01");
        Assert.True(created.IsSuccess, created.Error?.Message);
        var proposal = fixture.Grains.Proposal(compoundId, created.Value!.Proposal.ProposalId);
        var grainId = proposal.GetGrainId();
        Assert.True((await proposal.Cast(Of(2), BallotChoice.Yes)).IsSuccess);
        Assert.Equal(1, fixture.Storage.Reads(grainId));

        // Storage refuses the next write of this proposal: the ballot is decided in memory, then the write throws, and
        // the caller gets the storage's error as Orleans reports it (wrapped, naming the provider, the state and the grain).
        fixture.Storage.FailNextWrite(grainId);
        var refused = await Assert.ThrowsAsync<OrleansException>(() => proposal.Cast(Of(1), BallotChoice.No));
        Assert.Contains("WriteStateAsync", refused.Message);
        Assert.Equal(FailingWritesStorage.Refusal, Assert.IsType<IOException>(refused.InnerException).Message);
        Assert.Equal(1, fixture.Storage.Refused(grainId));

        // The next call runs on a fresh activation (storage is read a second time) and sees what was stored: the
        // earlier ballot, not the refused one.
        Assert.Equal(1, (await proposal.Get())!.Result.Tally.ParticipatingOwners);
        Assert.Equal(2, fixture.Storage.Reads(grainId));
        Assert.Null((await proposal.GetBallot("H1")).Value!.Ballot);
        Assert.Equal(BallotChoice.Yes, (await proposal.GetBallot("H2")).Value!.Ballot?.Choice);

        // So the household can cast its ballot again, and this write reaches storage.
        Assert.True((await proposal.Cast(Of(1), BallotChoice.No)).IsSuccess);
        var stored = await fixture.Storage.ReadStored<ProposalState>("proposal", grainId);
        Assert.Equal(BallotChoice.No, stored.Ballots.GetValueOrDefault("H1")?.Choice);
        Assert.Equal(BallotChoice.Yes, stored.Ballots.GetValueOrDefault("H2")?.Choice);
        Assert.Equal((2, 1), (fixture.Storage.Reads(grainId), fixture.Storage.Refused(grainId)));
    }
}

/// <summary>One silo whose grain storage fails the writes a test arms.</summary>
public sealed class WriteFailureFixture : IAsyncLifetime
{
    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));

    public TestCluster Cluster { get; } = new TestClusterBuilder(1).AddSiloBuilderConfigurator<SiloConfigurator>().Build();

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The small demo compound, loaded as the shared cluster loads it: for the space and the shelter.</summary>
    public CompoundLayout Demo { get; } = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);

    public FailingWritesStorage Storage =>
        (FailingWritesStorage)((InProcessSiloHandle)Cluster.Primary!).SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(GrainKeys.StorageName);

    public LostAnswers Answers => ((InProcessSiloHandle)Cluster.Primary!).SiloHost!.Services.GetRequiredService<LostAnswers>();

    public async Task InitializeAsync()
    {
        await Cluster.DeployAsync();
        await ClusterFixture.Seed(Grains, Demo, Clock);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        private const string Inner = "write-failure-inner";

        public void Configure(ISiloBuilder siloBuilder)
        {
            ClusterFixture.ConfigureSilo(siloBuilder, Inner, Clock);
            siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(
                GrainKeys.StorageName,
                (services, _) => new FailingWritesStorage(services.GetRequiredKeyedService<IGrainStorage>(Inner), services.GetRequiredService<Serializer>()));
            siloBuilder.Services.AddSingleton<LostAnswers>();
            siloBuilder.Services.AddSingleton<IIncomingGrainCallFilter>(services => services.GetRequiredService<LostAnswers>());
        }
    }
}

/// <summary>
/// Grain storage that passes every call to the storage it wraps, except a write the test has armed for one grain:
/// that one throws before anything is stored, once. It counts reads per grain, which happen only on activation, and,
/// given a serializer, the bytes each grain's writes carry in Orleans' binary form (as a database provider stores them).
/// </summary>
public sealed class FailingWritesStorage(IGrainStorage inner, Serializer? serializer = null) : IGrainStorage
{
    public const string Refusal = "The test storage refused this write.";

    private readonly ConcurrentDictionary<GrainId, int> _armed = new();
    private readonly ConcurrentDictionary<GrainId, int> _refused = new();
    private readonly ConcurrentDictionary<GrainId, int> _reads = new();
    private readonly ConcurrentDictionary<GrainId, int> _writes = new();
    private readonly ConcurrentDictionary<GrainId, long> _bytes = new();
    private readonly ConcurrentDictionary<GrainId, Task> _held = new();

    public void FailNextWrite(GrainId grainId) => _armed.AddOrUpdate(grainId, 1, (_, n) => n + 1);

    public int Refused(GrainId grainId) => _refused.GetValueOrDefault(grainId);

    public int Reads(GrainId grainId) => _reads.GetValueOrDefault(grainId);

    /// <summary>How many writes of a grain reached the wrapped storage.</summary>
    public int Writes(GrainId grainId) => _writes.GetValueOrDefault(grainId);

    /// <summary>The bytes of every write of a grain that reached the wrapped storage (with a serializer; else 0).</summary>
    public long BytesWritten(GrainId grainId) => _bytes.GetValueOrDefault(grainId);

    /// <summary>The size of a state in Orleans' binary form (needs the serializer).</summary>
    public int SizeOf<T>(T state) =>
        (serializer ?? throw new InvalidOperationException("This storage was made without a serializer.")).SerializeToArray(state).Length;

    /// <summary>What the wrapped storage holds for a grain, read past the counter.</summary>
    public async Task<T> ReadStored<T>(string stateName, GrainId grainId)
    {
        var state = new GrainState<T>();
        await inner.ReadStateAsync(stateName, grainId, state);
        return state.State ?? throw new InvalidOperationException($"Nothing stored as {stateName} for {grainId}.");
    }

    /// <summary>What the wrapped storage holds for a grain, or a new state when nothing is stored yet.</summary>
    public async Task<T> ReadStoredOrNew<T>(string stateName, GrainId grainId)
        where T : new()
    {
        var state = new GrainState<T>(new T());
        await inner.ReadStateAsync(stateName, grainId, state);
        return state.State ?? new T();
    }

    /// <summary>Puts <paramref name="stored"/> in the wrapped storage for a grain, as an earlier build would have left it.</summary>
    public Task WriteStored<T>(string stateName, GrainId grainId, T stored) =>
        inner.WriteStateAsync(stateName, grainId, new GrainState<T>(stored));

    /// <summary>
    /// Holds every read of a grain (so its activation) until the returned action is called: a storage whose queue is
    /// thousands of reads deep, as after a silo's death, seen from one grain.
    /// </summary>
    public Action HoldReads(GrainId grainId)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _held[grainId] = gate.Task;
        return () =>
        {
            _held.TryRemove(grainId, out _);
            gate.TrySetResult();
        };
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _reads.AddOrUpdate(grainId, 1, (_, n) => n + 1);
        if (_held.TryGetValue(grainId, out var held))
        {
            await held;
        }

        await inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (TakeArmed(grainId))
        {
            _refused.AddOrUpdate(grainId, 1, (_, n) => n + 1);
            throw new IOException(Refusal);
        }

        _writes.AddOrUpdate(grainId, 1, (_, n) => n + 1);
        if (serializer is not null)
        {
            long size = serializer.SerializeToArray(grainState.State).Length;
            _bytes.AddOrUpdate(grainId, size, (_, n) => n + size);
        }

        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    private bool TakeArmed(GrainId grainId)
    {
        while (_armed.TryGetValue(grainId, out var count))
        {
            var taken = count == 1 ? _armed.TryRemove(KeyValuePair.Create(grainId, count)) : _armed.TryUpdate(grainId, count - 1, count);
            if (taken)
            {
                return true;
            }
        }

        return false;
    }
}

[CollectionDefinition(Name)]
public sealed class WriteFailureCollection : ICollectionFixture<WriteFailureFixture>
{
    public const string Name = "write-failure";
}

/// <summary>
/// Fails one call a test arms, to one grain and method, as a call whose answer never came back: after the grain ran it
/// (<see cref="Lose"/>: what it did stands, the caller gets a timeout) or before (<see cref="Drop"/>: the grain never
/// ran it). Every other call passes.
/// </summary>
public sealed class LostAnswers : IIncomingGrainCallFilter
{
    public const string Message = "The test lost this call's answer.";

    private readonly ConcurrentDictionary<(GrainId Grain, string Method), bool> _armed = new();

    /// <summary>The next call of <paramref name="method"/> on the grain runs, then its answer is lost.</summary>
    public void Lose(GrainId grainId, string method) => _armed[(grainId, method)] = true;

    /// <summary>The next call of <paramref name="method"/> on the grain is lost before the grain runs it.</summary>
    public void Drop(GrainId grainId, string method) => _armed[(grainId, method)] = false;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (!_armed.TryRemove((context.TargetId, context.ImplementationMethod.Name), out var ran))
        {
            await context.Invoke();
            return;
        }

        if (ran)
        {
            await context.Invoke();
        }

        throw new TimeoutException(Message);
    }
}
