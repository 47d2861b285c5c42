using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// <see cref="InProcessGrainStorage"/> keeps the memory storage's contract: stored copies, ETags checked and renewed on
/// every write, a cleared state remembered; and it refuses to serve once a second silo has joined.
/// </summary>
[Collection(InProcessStorageCallsCollection.Name)]
public class InProcessGrainStorageTests(InProcessStorageCallsFixture fixture)
{
    private static readonly GrainId Grain = GrainId.Create("test", "one");

    private InProcessGrainStorage NewStorage(Func<int>? silos = null) =>
        new(new StoredStateSerializer(fixture.Services.GetRequiredService<Serializer>()), silos ?? (() => 1));

    [Fact]
    public async Task A_write_stores_a_copy_and_a_read_builds_a_fresh_object_with_the_writes_etag()
    {
        var storage = NewStorage();
        var written = new GrainState<List<string>>(["a"]);
        await storage.WriteStateAsync("list", Grain, written);
        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);

        // What the grain changes after its write is not what storage holds.
        written.State!.Add("b");
        var read = new GrainState<List<string>>([]);
        await storage.ReadStateAsync("list", Grain, read);
        Assert.Equal(["a"], read.State);
        Assert.NotSame(written.State, read.State);
        Assert.Equal(written.ETag, read.ETag);
        Assert.True(read.RecordExists);

        // Another state of the same grain, and the same state of another grain, are apart.
        var other = new GrainState<List<string>>([]);
        await storage.ReadStateAsync("other", Grain, other);
        await storage.ReadStateAsync("list", GrainId.Create("test", "two"), other);
        Assert.False(other.RecordExists);
        Assert.Null(other.ETag);
    }

    [Fact]
    public async Task A_write_allocates_one_copy_of_the_serialized_state_and_little_else()
    {
        var storage = NewStorage();
        var grain = GrainId.Create("test", "allocation");
        // Numbers, not strings: the serializer's own table of the references it wrote grows with the strings of a state.
        var state = new GrainState<List<long>>([.. Enumerable.Range(0, 5_000).Select(i => long.MaxValue - i)]);

        // The first write warms the serializer's session and buffer pools and adds the grain's slot.
        await storage.WriteStateAsync("list", grain, state);
        var before = GC.GetAllocatedBytesForCurrentThread();
        await storage.WriteStateAsync("list", grain, state);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var size = fixture.Services.GetRequiredService<Serializer>().SerializeToArray(state.State).Length;
        Assert.InRange(size, 40_000, 50_000);

        // One array of the serialized size, and a few small objects (the entry, the ETag, the BinaryData); writing into a
        // new growing array each time took about three times the size.
        Assert.InRange(allocated, size, size + 1_024);

        // The copy stored is the state as written: a later change of the grain's list does not reach it.
        state.State!.Clear();
        var read = new GrainState<List<long>>([]);
        await storage.ReadStateAsync("list", grain, read);
        Assert.Equal(5_000, read.State!.Count);
        Assert.Equal(long.MaxValue - 4_999, read.State[^1]);
    }

    [Fact]
    public async Task A_writer_holding_an_old_etag_is_refused_and_changes_nothing()
    {
        var storage = NewStorage();
        var first = new GrainState<List<string>>(["first"]);
        await storage.WriteStateAsync("list", Grain, first);
        var stale = new GrainState<List<string>>(["stale"]) { ETag = first.ETag };
        await storage.WriteStateAsync("list", Grain, first);
        Assert.NotEqual(stale.ETag, first.ETag);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("list", Grain, stale));
        var fresh = new GrainState<List<string>>(["no etag"]);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("list", Grain, fresh));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("list", Grain, stale));

        var read = new GrainState<List<string>>([]);
        await storage.ReadStateAsync("list", Grain, read);
        Assert.Equal(["first"], read.State);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task Of_writers_racing_with_the_same_etag_exactly_one_is_stored_and_the_others_are_refused()
    {
        var storage = NewStorage();
        var first = new GrainState<List<string>>(["first"]);
        await storage.WriteStateAsync("list", Grain, first);

        // Sixteen writers on the thread pool, each holding the ETag of the first write, while other grains write too.
        var racers = Enumerable.Range(0, 16).Select(i => new GrainState<List<string>>([$"racer {i}"]) { ETag = first.ETag }).ToList();
        using var start = new ManualResetEventSlim();
        var attempts = racers.Select(r => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await storage.WriteStateAsync("list", Grain, r);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })).ToList();
        var others = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            start.Wait();
            await storage.WriteStateAsync("list", GrainId.Create("test", $"other-{i}"), new GrainState<List<string>>([$"other {i}"]));
        })).ToList();
        start.Set();
        var won = await Task.WhenAll(attempts);
        await Task.WhenAll(others);

        var winner = Assert.Single(racers.Where((_, i) => won[i]));
        var read = new GrainState<List<string>>([]);
        await storage.ReadStateAsync("list", Grain, read);
        Assert.Equal(winner.State, read.State);
        Assert.Equal(winner.ETag, read.ETag);
        for (var i = 0; i < 16; i++)
        {
            await storage.ReadStateAsync("list", GrainId.Create("test", $"other-{i}"), read);
            Assert.Equal([$"other {i}"], read.State);
        }
    }

    [Fact]
    public async Task A_cleared_state_reads_as_absent_and_takes_a_new_first_write()
    {
        var storage = NewStorage();
        var state = new GrainState<List<string>>(["kept"]);
        await storage.WriteStateAsync("list", Grain, state);
        await storage.ClearStateAsync("list", Grain, state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);

        var read = new GrainState<List<string>>(["untouched"]);
        await storage.ReadStateAsync("list", Grain, read);
        Assert.False(read.RecordExists);
        Assert.Equal(["untouched"], read.State);

        var again = new GrainState<List<string>>(["again"]);
        await storage.WriteStateAsync("list", Grain, again);
        await storage.ReadStateAsync("list", Grain, read);
        Assert.Equal(["again"], read.State);
    }

    [Fact]
    public async Task Once_a_second_silo_has_joined_every_read_and_write_is_refused_naming_the_setting()
    {
        var silos = 1;
        var storage = NewStorage(() => silos);
        var state = new GrainState<List<string>>(["before"]);
        await storage.WriteStateAsync("list", Grain, state);

        silos = 2;
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.WriteStateAsync("list", Grain, new GrainState<List<string>>(["after"]) { ETag = state.ETag }));
        Assert.Contains("Parking:Cluster:InProcessStorage", refused.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => storage.ReadStateAsync("list", Grain, new GrainState<List<string>>([])));

        silos = 1;
        var read = new GrainState<List<string>>([]);
        await storage.ReadStateAsync("list", Grain, read);
        Assert.Equal(["before"], read.State);
    }
}
