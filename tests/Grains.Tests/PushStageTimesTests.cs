using Parking.Grains.Notifications;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// The stage times of a lot change (<see cref="HubPushOptions.StageTimes"/>) cost nothing when off: no clock is read
/// and the notifier sends on the instances the lots published. When on, a change is stamped at both stages.
/// </summary>
public sealed class PushStageTimesTests
{
    private static readonly LotChange Change = new(7, null!);

    [Fact]
    public void With_stage_times_off_a_change_is_published_and_flushed_without_a_clock_or_a_copy()
    {
        var published = LotChangedPush.Published("c1", "A", Guid.Empty, Change, stageClock: null);
        var restart = new LotRestartedPush("c1", "A", Guid.Empty, 3, DateTimeOffset.UnixEpoch);
        var batch = new List<Push> { published, restart };

        LotChangedPush.StampFlushed(batch, stageClock: null);

        Assert.Equal((default(DateTimeOffset), default(DateTimeOffset)), (published.PublishedAt, published.FlushedAt));
        Assert.Same(published, batch[0]);
        Assert.Same(restart, batch[1]);
    }

    [Fact]
    public void With_stage_times_on_a_change_carries_when_it_was_published_and_when_its_batch_left()
    {
        var clock = new CountingClock(DateTimeOffset.UnixEpoch.AddSeconds(10));
        var published = LotChangedPush.Published("c1", "A", Guid.Empty, Change, clock);
        var restart = new LotRestartedPush("c1", "A", Guid.Empty, 3, DateTimeOffset.UnixEpoch);
        var batch = new List<Push> { published, restart };
        clock.Now = clock.Now.AddMilliseconds(20);

        LotChangedPush.StampFlushed(batch, clock);

        var flushed = Assert.IsType<LotChangedPush>(batch[0]);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(10), flushed.PublishedAt);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(10).AddMilliseconds(20), flushed.FlushedAt);
        Assert.Equal(published.Change, flushed.Change);
        Assert.Same(restart, batch[1]);
        Assert.Equal(2, clock.Reads);
    }

    private sealed class CountingClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public int Reads { get; private set; }

        public override DateTimeOffset GetUtcNow()
        {
            Reads++;
            return Now;
        }
    }
}
