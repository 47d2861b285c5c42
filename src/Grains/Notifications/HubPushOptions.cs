namespace Parking.Grains.Notifications;

/// <summary>
/// The <c>Parking:Hub</c> settings: how pushes reach the watchers. Bound once for every host with the rules
/// (<see cref="ParkingRules.AddParkingRules"/>): the grains read <see cref="StageTimes"/> where a push is published and
/// flushed, the hosts where it is sent.
/// </summary>
public sealed class HubPushOptions
{
    public const string SectionName = "Parking:Hub";

    /// <summary>The default of <see cref="FlushWindow"/>.</summary>
    public static readonly TimeSpan DefaultFlushWindow = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest <see cref="FlushWindow"/> accepted: beyond it a map would visibly lag its lot.</summary>
    public static readonly TimeSpan MaxFlushWindow = TimeSpan.FromSeconds(1);

    /// <summary>The default of <see cref="MaxPendingMessagesPerConnection"/>.</summary>
    public const int DefaultMaxPendingMessagesPerConnection = 1000;

    /// <summary>
    /// Whether each lot change a watcher gets carries the server's stage times (<c>times</c>: published, flushed, at
    /// this host, sent), so a benchmark can split a push's latency by stage. Off by default: the message is then as
    /// before, and no grain reads the clock or copies a change for it.
    /// </summary>
    public bool StageTimes { get; set; }

    /// <summary>
    /// How often at most a silo's notifier sends one lot's changes to the hosts. A lot's change goes at once when no
    /// batch carried that lot within the last window (a quiet lot's change waits for nobody, however busy the other
    /// lots are); one that comes sooner waits for the rest of that lot's window and leaves with whatever else came
    /// meanwhile, so under load a watcher gets at most about one message per lot per window. Pushes that are not a
    /// lot's go at once, unless one is already waiting (they keep their order) or they came with a lot's change that
    /// waits (they leave after it). Each host merges further what reaches it while its sender is busy. Default 20 ms:
    /// short beside a person's patience, long beside a burst of bookings. From above zero up to
    /// <see cref="MaxFlushWindow"/>.
    /// </summary>
    public TimeSpan FlushWindow { get; set; } = DefaultFlushWindow;

    /// <summary>
    /// How many messages a host may hold for one hub connection that does not take them (its socket and buffers full)
    /// before it drops that connection. Default 1,000: a watcher that reads, even slowly, never comes near it (its
    /// messages leave as they are written); one that stopped reading but keeps its connection open holds at most this
    /// many pending sends instead of gathering them without end. The dropped client reconnects and catches up by
    /// version, as after any gap.
    /// </summary>
    public int MaxPendingMessagesPerConnection { get; set; } = DefaultMaxPendingMessagesPerConnection;

    /// <summary>The default of <see cref="Senders"/>.</summary>
    public const int DefaultSenders = 1;

    /// <summary>The most <see cref="Senders"/> accepted.</summary>
    public const int MaxSenders = 64;

    /// <summary>
    /// How many senders a host uses for one round of messages: each lot's message of the round goes to one of them in
    /// turn (other pushes all to the first, in their order), they hand their messages to the watchers' connections side
    /// by side, and the next round starts once all of them are done, so each lot's messages still leave in order. A
    /// round's sends are a socket write per watcher of every lot that changed (a thousand and more at a thousand
    /// watchers); one sender makes the last lot's watchers wait for every other lot's writes, where two cores could
    /// share them. Default 1 (a round on one thread): on the 2-core machine two senders were not faster at the p99 in
    /// two quiet alternated pairs (docs/credits.md). From 1 to <see cref="MaxSenders"/>.
    /// </summary>
    public int Senders { get; set; } = DefaultSenders;

    /// <summary>The default of <see cref="WatchRefresh"/>.</summary>
    public static readonly TimeSpan DefaultWatchRefresh = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often each host asks after every lot its connections watch (<c>ILotGrain.Watched</c>). A lot's activation is
    /// lost with its silo, and an idle lot is called by nobody; this call brings it back on a living silo, where it
    /// announces its new epoch, so its watchers reload and hear its changes again. Default 5 s: one small call per
    /// watched lot and host every 5 s, and watchers learn of a lost lot within this much of the cluster noticing the
    /// dead silo.
    /// </summary>
    public TimeSpan WatchRefresh { get; set; } = DefaultWatchRefresh;
}
