using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.TestingHost;
using Parking.Grains.Notifications;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// The notifier's window (<see cref="HubPushOptions.FlushWindow"/>): as the rules bind it (a default, a set value, a value
/// out of range refused with its key), how long a batch gathers after the last one left, and on a silo of its own whose
/// window's clock the tests move (so they assert which changes leave together and in what order, never wall-clock
/// gaps), that a quiet notifier's lone change leaves without waiting for the window while the changes right after it wait for it,
/// that the window is each lot's own (a quiet lot's change leaves at once beside a busy lot, whose changes still
/// gather, in order, with what came along), and that the host in the silo's own process gets its batches by a direct
/// call (<see cref="LocalHubObserver"/>).
/// </summary>
[Collection(PushWindowCollection.Name)]
public sealed class PushWindowTests(PushWindowFixture fixture)
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(20);

    [Fact]
    public void A_batch_begun_within_a_window_of_the_last_waits_out_the_rest_of_that_window()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(20), PushNotifierGrain.FlushDelay(TimeSpan.Zero, Window));
        Assert.Equal(TimeSpan.FromMilliseconds(15), PushNotifierGrain.FlushDelay(TimeSpan.FromMilliseconds(5), Window));
        Assert.Equal(TimeSpan.FromTicks(1), PushNotifierGrain.FlushDelay(Window - TimeSpan.FromTicks(1), Window));
    }

    [Fact]
    public void A_batch_begun_a_window_or_more_after_the_last_leaves_at_once()
    {
        Assert.Equal(TimeSpan.Zero, PushNotifierGrain.FlushDelay(Window, Window));
        Assert.Equal(TimeSpan.Zero, PushNotifierGrain.FlushDelay(TimeSpan.FromMinutes(5), Window));
    }

    [Fact]
    public void Unset_the_window_is_the_default_of_20_ms()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(20), Options().FlushWindow);
        Assert.Equal(HubPushOptions.DefaultFlushWindow, Options().FlushWindow);
    }

    [Fact]
    public void A_window_that_is_set_is_the_one_the_notifier_reads()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(40), Options(("Parking:Hub:FlushWindow", "00:00:00.040")).FlushWindow);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:00.010")]
    [InlineData("00:00:01.001")]
    public void A_window_out_of_range_is_refused_naming_its_key(string window)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Options(("Parking:Hub:FlushWindow", window)));

        Assert.Contains("Parking:Hub:FlushWindow", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unset_a_host_sends_each_round_with_one_sender_and_a_set_number_is_the_one_it_reads()
    {
        Assert.Equal(1, Options().Senders);
        Assert.Equal(2, Options(("Parking:Hub:Senders", "2")).Senders);
        Assert.Equal(HubPushOptions.MaxSenders, Options(("Parking:Hub:Senders", "64")).Senders);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("65")]
    public void A_number_of_senders_out_of_range_is_refused_naming_its_key(string senders)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Options(("Parking:Hub:Senders", senders)));

        Assert.Contains("Parking:Hub:Senders", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"was {senders}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quiet_notifiers_lone_change_leaves_at_once_and_the_changes_right_after_it_wait_for_the_window()
    {
        var observer = new BatchObserver();
        var reference = fixture.Grains.CreateObjectReference<IHubObserver>(observer);
        await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Register("window-test", reference);
        var notifier = fixture.Grains.PushNotifier();
        try
        {
            // A first batch waits for the notifier's copy of the hub directory: warm it. Then a whole window passes by
            // the window's clock, which only this test moves: the next change finds the notifier quiet.
            await FirstBatch(notifier, observer);
            PushWindowFixture.WholeWindowPasses();

            // The lone change comes while the window's clock stands still: it waited for no window.
            var lot = $"lot-{Guid.NewGuid():N}";
            await notifier.Publish(Change(1, lot));
            var lone = Sequences(await observer.Next());
            Assert.Equal([1L], lone);

            // The two right after it are within its lot's window, so they wait: each goes with a change of a quiet lot
            // in the same message, which leaves at once, alone (so the test knows the message arrived: a one-way call
            // may overtake another). Only once the window has passed do both leave, as one batch (without the window,
            // 2 would have left at once with the first quiet lot's change, as the lone change did).
            await notifier.PublishAll([Change(2, lot), Change(1, $"quiet-{Guid.NewGuid():N}")]);
            Assert.Single(await observer.Next());
            await notifier.PublishAll([Change(3, lot), Change(1, $"quiet-{Guid.NewGuid():N}")]);
            Assert.Single(await observer.Next());
            PushWindowFixture.WholeWindowPasses();
            var together = Sequences(await observer.Next());
            Assert.Equal([2L, 3L], together);
        }
        finally
        {
            await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Unregister("window-test");
            fixture.Grains.DeleteObjectReference<IHubObserver>(reference);
        }
    }

    [Fact]
    public async Task A_quiet_lots_change_leaves_at_once_while_a_busy_lots_next_change_waits_for_its_window()
    {
        var observer = new BatchObserver();
        var reference = fixture.Grains.CreateObjectReference<IHubObserver>(observer);
        await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Register("quiet-lot-test", reference);
        var notifier = fixture.Grains.PushNotifier();
        try
        {
            await FirstBatch(notifier, observer);

            // The busy lot gets a batch of its own, so its next change comes within its window (the window's clock
            // stands still until this test moves it).
            var busy = $"busy-{Guid.NewGuid():N}";
            var quiet = $"quiet-{Guid.NewGuid():N}";
            await notifier.Publish(Change(1, busy));
            Assert.Equal([busy], LotsOf(await observer.Next()));

            // The busy lot's next change and a quiet lot's, in one message (one-way calls may overtake each other):
            // the quiet lot's change comes with the clock still (with one window for the whole notifier, it waited for
            // the busy lot's window); the busy lot's change only once its window has passed, alone.
            await notifier.PublishAll([Change(2, busy), Change(1, quiet)]);
            Assert.Equal([quiet], LotsOf(await observer.Next()));
            PushWindowFixture.WholeWindowPasses();
            var second = await observer.Next();

            Assert.Equal([busy], LotsOf(second));
            Assert.Equal(2L, Assert.IsType<LotChangedPush>(Assert.Single(second)).Change.Sequence);
        }
        finally
        {
            await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Unregister("quiet-lot-test");
            fixture.Grains.DeleteObjectReference<IHubObserver>(reference);
        }
    }

    [Fact]
    public async Task A_busy_lots_changes_within_its_window_leave_together_in_order_with_what_came_along()
    {
        var observer = new BatchObserver();
        var reference = fixture.Grains.CreateObjectReference<IHubObserver>(observer);
        await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Register("busy-lot-test", reference);
        var notifier = fixture.Grains.PushNotifier();
        try
        {
            await FirstBatch(notifier, observer);
            var busy = $"busy-{Guid.NewGuid():N}";
            await notifier.Publish(Change(1, busy));
            Assert.Equal([busy], LotsOf(await observer.Next()));

            // Two more changes within the lot's window, the second with another push along (in one call, as a lot
            // publishes them): they wait, and leave as one batch when the window ends, the other push after its lot's
            // change. A quiet lot's change in the same message leaves at once: then the message has arrived.
            var along = new ImportJobChangedPush(null!);
            await notifier.PublishAll([Change(2, busy), Change(3, busy), along, Change(1, $"quiet-{Guid.NewGuid():N}")]);
            Assert.Single(await observer.Next());
            PushWindowFixture.WholeWindowPasses();
            var batch = await observer.Next();

            Assert.Equal([2L, 3L], batch.OfType<LotChangedPush>().Select(c => c.Change.Sequence));
            Assert.IsType<ImportJobChangedPush>(batch[^1]);
            Assert.Equal(3, batch.Count);
        }
        finally
        {
            await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Unregister("busy-lot-test");
            fixture.Grains.DeleteObjectReference<IHubObserver>(reference);
        }
    }

    [Fact]
    public async Task The_host_in_the_silos_own_process_gets_its_batches_on_the_notifiers_turn_not_through_the_cluster()
    {
        // A host in the silo's process, as the web host registers itself: its observer object, its reference in the
        // directory, and the pair made known to the silo's notifier.
        var silo = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost!.Services;
        var observer = new BatchObserver(silo.GetRequiredService<IGrainContextAccessor>());
        var reference = silo.GetRequiredService<IGrainFactory>().CreateObjectReference<IHubObserver>(observer);
        var local = silo.GetRequiredService<LocalHubObserver>();
        local.Set(reference, observer);
        await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Register("local-test", reference);
        try
        {
            var batch = await FirstBatch(fixture.Grains.PushNotifier(), observer);
            Assert.IsType<LotChangedPush>(Assert.Single(batch));

            // Called directly by the notifier, on its own turn: through the cluster the observer would run in the
            // turn of the reference's own (client) context instead.
            Assert.IsType<PushNotifierGrain>(observer.CalledIn?.GrainInstance);
        }
        finally
        {
            local.Clear(reference);
            await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Unregister("local-test");
            silo.GetRequiredService<IGrainFactory>().DeleteObjectReference<IHubObserver>(reference);
        }
    }

    [Fact]
    public async Task The_host_in_the_silos_own_process_gets_each_change_at_once_while_another_host_gets_a_busy_lots_changes_gathered()
    {
        var silo = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost!.Services;
        var mine = new BatchObserver();
        var mineReference = silo.GetRequiredService<IGrainFactory>().CreateObjectReference<IHubObserver>(mine);
        var local = silo.GetRequiredService<LocalHubObserver>();
        local.Set(mineReference, mine);
        var other = new BatchObserver();
        var otherReference = fixture.Grains.CreateObjectReference<IHubObserver>(other);
        await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Register("local-now-test", mineReference);
        await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Register("other-window-test", otherReference);
        var notifier = fixture.Grains.PushNotifier();
        try
        {
            // Both hosts known to the notifier; then a change of a lot of this test's own, which both get.
            await FirstBatch(notifier, mine);
            await FirstBatch(notifier, other);
            while (await mine.Next(TimeSpan.FromMilliseconds(500)) is not null)
            {
            }

            var busy = $"busy-{Guid.NewGuid():N}";
            await notifier.Publish(Change(1, busy));
            Assert.Equal([busy], LotsOf(await mine.Next()));
            Assert.Equal([busy], LotsOf(await other.Next()));

            // The lot's next change reaches this process's host on its own while the window's clock stands still, before
            // the third is even published; the other host gets both, as one batch, once the lot's window has passed.
            await notifier.Publish(Change(2, busy));
            Assert.Equal([2L], (await mine.Next()).OfType<LotChangedPush>().Select(c => c.Change.Sequence));
            await notifier.Publish(Change(3, busy));
            Assert.Equal([3L], (await mine.Next()).OfType<LotChangedPush>().Select(c => c.Change.Sequence));
            PushWindowFixture.WholeWindowPasses();
            var gathered = Sequences(await other.Next());
            Assert.Equal([2L, 3L], gathered);
        }
        finally
        {
            local.Clear(mineReference);
            await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Unregister("local-now-test");
            await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Unregister("other-window-test");
            silo.GetRequiredService<IGrainFactory>().DeleteObjectReference<IHubObserver>(mineReference);
            fixture.Grains.DeleteObjectReference<IHubObserver>(otherReference);
        }
    }

    [Fact]
    public void A_host_the_process_does_not_hold_is_called_by_its_reference()
    {
        var local = new LocalHubObserver();
        var mine = new BatchObserver();
        var mineReference = fixture.Grains.CreateObjectReference<IHubObserver>(mine);
        var other = fixture.Grains.CreateObjectReference<IHubObserver>(new BatchObserver());
        try
        {
            Assert.Same(other, local.For(other));
            local.Set(mineReference, mine);
            Assert.Same(mine, local.For(mineReference));
            Assert.Same(other, local.For(other));
            local.Clear(mineReference);
            Assert.Same(mineReference, local.For(mineReference));
        }
        finally
        {
            fixture.Grains.DeleteObjectReference<IHubObserver>(mineReference);
            fixture.Grains.DeleteObjectReference<IHubObserver>(other);
        }
    }

    /// <summary>
    /// The first batch a newly registered host gets. The notifier's copy of the directory may predate the host (an
    /// earlier test on this silo left it fresh): a change published before the copy is renewed never reaches the host,
    /// so one is published again until a batch comes, each time followed by a whole window on the window's clock (a
    /// change of a lot that just had a batch waits for it); any batch still on its way after that is let go.
    /// </summary>
    private static async Task<IReadOnlyList<Push>> FirstBatch(IPushNotifierGrain notifier, BatchObserver observer)
    {
        // Long enough for a renewal of the copy (2 s of real time), so that a change that can come has come.
        var patience = TimeSpan.FromSeconds(3);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await notifier.Publish(Change(0, WarmUpLot));
            PushWindowFixture.WholeWindowPasses();
            if (await observer.Next(patience) is { } batch)
            {
                while (await observer.Next(TimeSpan.FromMilliseconds(500)) is not null)
                {
                }

                return batch;
            }
        }

        throw new TimeoutException("no batch came");
    }

    private static long[] Sequences(IReadOnlyList<Push> batch) =>
        [.. batch.Select(p => Assert.IsType<LotChangedPush>(p).Change.Sequence)];

    /// <summary>The lot of the changes <see cref="FirstBatch"/> publishes.</summary>
    private const string WarmUpLot = "warm-up";

    private static LotChangedPush Change(long sequence, string lot) =>
        LotChangedPush.Published("c1", lot, Guid.Empty, new LotChange(sequence, null!), TimeProvider.System);

    private static string[] LotsOf(IReadOnlyList<Push> batch) =>
        [.. batch.Select(p => Assert.IsType<LotChangedPush>(p).LotId)];

    private static HubPushOptions Options(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddParkingRules();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<HubPushOptions>>().Value;
    }

    /// <summary>Records each batch the notifier sends, as a host would get it, and in whose turn it was called.</summary>
    private sealed class BatchObserver(IGrainContextAccessor? contexts = null) : IHubObserver
    {
        private readonly BlockingCollection<IReadOnlyList<Push>> _batches = [];

        /// <summary>The grain context the last batch was delivered in (with a silo's accessor of the running context).</summary>
        public IGrainContext? CalledIn { get; private set; }

        public Task Deliver(IReadOnlyList<Push> pushes)
        {
            CalledIn = contexts?.GrainContext;
            _batches.Add(pushes);
            return Task.CompletedTask;
        }

        /// <summary>The next batch, waited for at most 20 s.</summary>
        /// <summary>
        /// The next batch of the test's own pushes, waited for at most 20 s: the changes <see cref="FirstBatch"/> publishes
        /// to warm the notifier (of lot <see cref="WarmUpLot"/>) are left out, as a batch of nothing else.
        /// </summary>
        public Task<IReadOnlyList<Push>> Next() => Task.Run<IReadOnlyList<Push>>(() =>
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                var batch = _batches.Take(patience.Token);
                List<Push> own = [.. batch.Where(p => p is not LotChangedPush { LotId: WarmUpLot })];
                if (own.Count > 0)
                {
                    return own;
                }
            }
        });

        /// <summary>The next batch, or null when none came within <paramref name="wait"/>.</summary>
        public Task<IReadOnlyList<Push>?> Next(TimeSpan wait) => Task.Run(() =>
            _batches.TryTake(out var batch, wait) ? batch : null);
    }
}

/// <summary>
/// One silo whose notifier times its window of a second by a clock that only the tests move: a change that waits for
/// the window leaves when a test lets a whole window pass, and one that leaves at once comes while the clock stands
/// still, so the tests see which changes leave together, and in what order, without reading the wall clock.
/// </summary>
public sealed class PushWindowFixture : IAsyncLifetime
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>The clock of the notifier's window (one silo, one fixture in the process).</summary>
    private static readonly FakeTimeProvider WindowClock = new();

    /// <summary>A whole window passes on the window's clock: every change that waits for its lot's window leaves.</summary>
    public static void WholeWindowPasses() => WindowClock.Advance(Window);

    public TestCluster Cluster { get; } = new TestClusterBuilder(1)
        .ConfigureHostConfiguration(settings => settings.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{HubPushOptions.SectionName}:{nameof(HubPushOptions.FlushWindow)}"] = Window.ToString(),
        }))
        .AddSiloBuilderConfigurator<SiloConfigurator>()
        .Build();

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync() => await Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            ClusterFixture.ConfigureSilo(siloBuilder, GrainKeys.StorageName, new FakeTimeProvider());
            siloBuilder.Services.AddParkingRules();
            siloBuilder.Services.AddSingleton(new PushWindowClock(WindowClock));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PushWindowCollection : ICollectionFixture<PushWindowFixture>
{
    public const string Name = "push-window";
}
