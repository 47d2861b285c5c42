using System.Threading.Channels;
using Parking.Domain.Reservations;
using Parking.Grains.Notifications;
using Xunit;

namespace Parking.Grains.Tests;

[Collection(ClusterCollection.Name)]
public class PushTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_registered_host_hears_of_lot_and_reservation_changes_made_on_any_silo()
    {
        var received = Channel.CreateUnbounded<Push>();
        var observer = new RecordingObserver(received.Writer);
        var reference = fixture.Grains.CreateObjectReference<IHubObserver>(observer);
        var directory = fixture.Grains.GetGrain<IHubDirectoryGrain>(0);
        await directory.Register("test-host", reference);

        // Publishers cache the directory for a moment; wait until a push comes through (bounded).
        var space = fixture.Layout.Lots[0].Spaces[27];
        var now = ClusterFixture.Clock.GetUtcNow();
        Reservation? made = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        for (var hour = 100; made is null || !await Heard(received.Reader, made, timeout.Token); hour += 2)
        {
            made = (await fixture.Grains.Resident(fixture.CompoundId, "r00046")
                .Reserve(space.SpaceId, new(now.AddHours(hour), now.AddHours(hour + 1)), null, null)).Value!.Reservation;
            await fixture.Grains.Space(fixture.CompoundId, space.SpaceId).Cancel(made.Id, new Actor("r00046", false));
        }

        // Stage times are off unless set (Parking:Hub:StageTimes): the lot and the notifier stamp nothing.
        var lotChanges = observer.LotChanges.ToList();
        Assert.NotEmpty(lotChanges);
        Assert.All(lotChanges, c => Assert.Equal((default(DateTimeOffset), default(DateTimeOffset)), (c.PublishedAt, c.FlushedAt)));

        await directory.Unregister("test-host");
        Assert.DoesNotContain(await directory.GetObservers(), o => o.Equals(reference));
        fixture.Grains.DeleteObjectReference<IHubObserver>(reference);
    }

    private static async Task<bool> Heard(ChannelReader<Push> reader, Reservation made, CancellationToken cancellationToken)
    {
        bool lot = false, reservation = false;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            while (!(lot && reservation))
            {
                switch (await reader.ReadAsync(wait.Token))
                {
                    case LotChangedPush p when p.Change.Space.Definition.SpaceId == made.SpaceId:
                        lot = true;
                        break;
                    case ReservationChangedPush p when p.Reservation.Id == made.Id:
                        reservation = true;
                        break;
                }
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private sealed class RecordingObserver(ChannelWriter<Push> writer) : IHubObserver
    {
        public System.Collections.Concurrent.ConcurrentQueue<LotChangedPush> LotChanges { get; } = new();

        public Task Deliver(IReadOnlyList<Push> pushes)
        {
            foreach (var push in pushes)
            {
                if (push is LotChangedPush change)
                {
                    LotChanges.Enqueue(change);
                }

                writer.TryWrite(push);
            }

            return Task.CompletedTask;
        }
    }
}
