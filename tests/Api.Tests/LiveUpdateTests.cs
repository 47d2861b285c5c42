using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>Pushes over the real SignalR client: lot watchers and a resident's own reservations.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class LiveUpdateTests(SharedHostFixture fixture)
{
    private static readonly string[] BurstResidents = ["r00043", "r00044", "r00045", "r00047", "r00048", "r00049"];

    private readonly ParkingHost _host = fixture.Host;

    [Fact]
    public async Task Reservation_made_by_one_user_reaches_a_second_connected_client()
    {
        await using var watcher = await _host.ConnectHubAsync("r00002");
        await using var maker = await _host.ConnectHubAsync("r00001");
        var before = await watcher.WatchLotAsync("G1");
        Assert.Equal("G1", before.LotId);
        Assert.Equal(28, before.Spaces.Count);
        Assert.Empty(Assert.Single(before.Spaces, s => s.SpaceId == "G1-001").Held);

        var start = _host.Now.AddHours(2);
        var reservation = await _host.ReserveOkAsync("r00001", "G1-001", start, start.AddHours(1), plate: "沪A12345");

        var change = await watcher.WaitForLotChangeAsync(
            c => c.Space?.SpaceId == "G1-001" && c.Space!.Held.Any(w => w.Start == start && w.End == start.AddHours(1)),
            "r00002 watching G1 hears of r00001's reservation of G1-001");
        Assert.Equal(ParkingHost.Compound, change.CompoundId);
        Assert.Equal("G1", change.LotId);
        Assert.Equal(before.Epoch, change.Epoch);
        Assert.True(change.Sequence > before.Sequence, $"Sequence {change.Sequence} should follow {before.Sequence}.");

        // The maker hears of their own reservation; the other resident never does.
        var own = await maker.WaitForReservationAsync(r => r.Id == reservation.Id, "r00001 hears of their own reservation");
        Assert.Equal("reserved", own.Status.WireName());
        Assert.Equal("r00001", own.ResidentId);
        Assert.DoesNotContain(watcher.Received<Contracts.ReservationDto>(), r => r.Id == reservation.Id);
    }

    [Fact]
    public async Task A_MessagePack_client_hears_of_a_lot_change_as_a_JSON_client_does()
    {
        await using var json = await _host.ConnectHubAsync("r00017");
        await using var messagePack = await _host.ConnectMessagePackHubAsync("r00018");
        var before = await messagePack.WatchLotAsync("G1");
        var seenByJson = await json.WatchLotAsync("G1");
        Assert.Equal(seenByJson.Spaces.Count, before.Spaces.Count);
        Assert.Equal(seenByJson.Epoch, before.Epoch);

        var start = _host.Now.AddDays(9).AddHours(13);
        var spaceId = before.Spaces.Where(s => s.Ownership == SpaceOwnershipDto.Common).Skip(1).First().SpaceId;
        await _host.ReserveOkAsync("r00017", spaceId, start, start.AddHours(1));

        bool Booked(LotChangeDto c) => c.Space?.SpaceId == spaceId && c.Space!.Held.Any(w => w.Start == start && w.End == start.AddHours(1));
        var overMessagePack = await messagePack.WaitForLotChangeAsync(Booked, "the MessagePack client watching G1 hears of the reservation");
        var overJson = await json.WaitForLotChangeAsync(Booked, "the JSON client watching G1 hears of the reservation");

        // The same change, field by field, whichever protocol carried it.
        Assert.Equal((overJson.CompoundId, overJson.LotId, overJson.Epoch, overJson.Sequence, overJson.Kind), (overMessagePack.CompoundId, overMessagePack.LotId, overMessagePack.Epoch, overMessagePack.Sequence, overMessagePack.Kind));
        Assert.Equal(overJson.ChangedAt, overMessagePack.ChangedAt);
        Assert.Equal(overJson.Space!.Status, overMessagePack.Space!.Status);
        Assert.Equal(overJson.Space.Kind, overMessagePack.Space.Kind);
        Assert.Equal(overJson.Space.Version, overMessagePack.Space.Version);
        Assert.Equal(overJson.Space.Held.Select(w => (w.Start, w.End)), overMessagePack.Space.Held.Select(w => (w.Start, w.End)));
        Assert.True(overMessagePack.Sequence > before.Sequence, $"Sequence {overMessagePack.Sequence} should follow {before.Sequence}.");
    }

    [Fact]
    public async Task A_MessagePack_client_hears_of_its_own_reservation_and_its_cancellation_as_a_JSON_client_does()
    {
        await using var json = await _host.ConnectHubAsync("r00020");
        await using var messagePack = await _host.ConnectMessagePackHubAsync("r00020");
        var lot = await json.WatchLotAsync("G1");
        var spaceId = lot.Spaces.Where(s => s.Ownership == SpaceOwnershipDto.Common).Skip(3).First().SpaceId;
        var start = _host.Now.AddDays(11).AddHours(15);

        var booked = await _host.ReserveOkAsync("r00020", spaceId, start, start.AddHours(1));
        var cancelled = await _host.CommandOkAsync("r00020", booked.Id, "cancel");

        // Each revision of the reservation, as each protocol carried it to the same driver, equal field by field.
        foreach (var expected in new[] { booked, cancelled })
        {
            bool Same(ReservationDto r) => r.Id == expected.Id && r.Revision == expected.Revision;
            var overMessagePack = await messagePack.WaitForReservationAsync(Same, $"the MessagePack client hears revision {expected.Revision} of its reservation");
            var overJson = await json.WaitForReservationAsync(Same, $"the JSON client hears revision {expected.Revision} of its reservation");
            Assert.Equal(overJson, overMessagePack);
            Assert.Equal(expected.Status, overMessagePack.Status);
        }

        Assert.Equal(ReservationStatusDto.Cancelled, cancelled.Status);
    }

    [Fact]
    public async Task A_burst_of_changes_reaches_a_watcher_in_batches_of_one_lot_with_no_gap_in_the_sequence()
    {
        await using var watcher = await _host.ConnectHubAsync("r00003");
        var before = await watcher.WatchLotAsync("G1");
        var start = _host.Now.AddDays(4).AddHours(7);
        var spaces = before.Spaces.Where(s => s.Ownership == SpaceOwnershipDto.Common).TakeLast(6).Select(s => s.SpaceId).ToList();

        // Six common spaces of the lot booked at once by six residents: their changes fall into a few batches.
        await Task.WhenAll(spaces.Select((id, i) => _host.ReserveOkAsync(BurstResidents[i], id, start, start.AddHours(1))));
        foreach (var id in spaces)
        {
            await watcher.WaitForLotChangeAsync(c => c.Space?.SpaceId == id && c.Space!.Held.Any(w => w.Start == start), $"the watcher hears of {id}");
        }

        var batches = watcher.LotBatches.Where(b => b.Any(c => c.LotId == "G1" && c.Sequence > before.Sequence)).ToList();
        Assert.All(batches, b =>
        {
            Assert.Single(b.Select(c => (c.CompoundId, c.LotId, c.Epoch)).Distinct());
            Assert.Equal(Enumerable.Range(0, b.Length).Select(i => b[0].Sequence + i), b.Select(c => c.Sequence));
        });

        // Taken together, the batches carry every change after the watch began, each once and in order.
        var sequences = batches.SelectMany(b => b).Select(c => c.Sequence).Where(s => s > before.Sequence).ToList();
        Assert.Equal(Enumerable.Range(0, sequences.Count).Select(i => before.Sequence + 1 + i), sequences);
        Assert.True(sequences.Count >= spaces.Count, $"{sequences.Count} changes for {spaces.Count} bookings");
    }

    [Fact]
    public void A_hosts_batch_becomes_one_message_per_lot_with_its_changes_in_sequence()
    {
        var epoch = Guid.NewGuid();
        var reservation = new Parking.Grains.Notifications.ReservationChangedPush(null!);
        Parking.Grains.Notifications.LotChangedPush Change(string lot, long sequence) => new("c1", lot, epoch, new Parking.Grains.LotChange(sequence, null!));

        var messages = Parking.Api.Hubs.HubObserver.Messages([Change("A", 2), reservation, Change("B", 7), Change("A", 1), Change("A", 3)]);

        Assert.Equal(3, messages.Count);
        Assert.Equal([(long)1, 2, 3], messages[0].Cast<Parking.Grains.Notifications.LotChangedPush>().Select(c => c.Change.Sequence));
        Assert.Same(reservation, Assert.Single(messages[1]));
        Assert.Equal("B", ((Parking.Grains.Notifications.LotChangedPush)Assert.Single(messages[2])).LotId);
    }

    [Fact]
    public void A_lots_restart_comes_before_the_changes_of_its_new_epoch_in_one_message()
    {
        var old = Guid.NewGuid();
        var fresh = Guid.NewGuid();
        Parking.Grains.Notifications.Push Change(Guid e, long sequence) => new Parking.Grains.Notifications.LotChangedPush("c1", "A", e, new Parking.Grains.LotChange(sequence, null!));
        var restart = new Parking.Grains.Notifications.LotRestartedPush("c1", "A", fresh, 0, DateTimeOffset.UnixEpoch);

        var messages = Parking.Api.Hubs.HubObserver.Messages([Change(old, 5), Change(fresh, 2), Change(fresh, 1), restart]);

        var message = Assert.Single(messages);
        Assert.Equal(4, message.Count);
        Assert.Equal(old, ((Parking.Grains.Notifications.LotChangedPush)message[0]).Epoch);
        Assert.Same(restart, message[1]);
        Assert.Equal([(long)1, 2], message.Skip(2).Cast<Parking.Grains.Notifications.LotChangedPush>().Select(c => c.Change.Sequence));
    }

    [Fact]
    public async Task A_watcher_hears_at_once_that_a_lot_was_rebuilt_under_a_new_epoch_without_any_booking()
    {
        await using var watcher = await _host.ConnectHubAsync("r00004");
        var before = await watcher.WatchLotAsync("T1");

        // The lot's activation goes away (as when its silo dies or it is deactivated) and comes back on the next call.
        var lot = Parking.Grains.GrainKeys.Lot(_host.Grains, ParkingHost.Compound, "T1");
        await lot.Reload();
        var rebuilt = await lot.GetOccupancy();
        Assert.NotNull(rebuilt);

        // The watcher hears of the new epoch by itself: no space of the lot changed.
        var restart = await watcher.WaitForLotChangeAsync(
            c => c.LotId == "T1" && c.IsRestart && c.Epoch != before.Epoch,
            "r00004 watching T1 hears that T1 was rebuilt under a new epoch");
        Assert.Equal(ParkingHost.Compound, restart.CompoundId);
        Assert.Equal(LotChangeKinds.Restarted, restart.Kind);
        Assert.Null(restart.Space);
        Assert.NotEqual(before.Epoch, restart.Epoch);
        Assert.Equal(0, restart.Sequence);

        // What the announcement names is what a reload gives: the new epoch, numbered on from the announcement.
        var reloaded = await watcher.WatchLotAsync("T1");
        Assert.Equal(restart.Epoch, reloaded.Epoch);
        Assert.True(reloaded.Sequence >= restart.Sequence, $"Sequence {reloaded.Sequence} should not be behind the restart's {restart.Sequence}.");
        Assert.Equal(before.Spaces.Count, reloaded.Spaces.Count);

        // Catch-up from the old epoch cannot be complete: a client that missed the push reloads as well.
        var catchUp = await _host.GetOkAsync<Contracts.LotChangesDto>(
            ParkingHost.CompoundPath($"lots/T1/changes?epoch={before.Epoch}&since={before.Sequence}"), "r00004");
        Assert.False(catchUp.Complete);
        Assert.Equal(restart.Epoch, catchUp.Epoch);
    }

    [Fact]
    public async Task Watching_an_unknown_lot_is_refused_with_HubException()
    {
        await using var client = await _host.ConnectHubAsync("r00002");

        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => client.WatchLotAsync("Z9"));

        Assert.Contains("Not found", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Catch_up_endpoint_returns_the_changes_missed_while_disconnected()
    {
        var first = await _host.ConnectHubAsync("r00011");
        var seen = await first.WatchLotAsync("G1");
        await first.DisposeAsync();

        // While the client is away two spaces of its lot change.
        var start = _host.Now.AddHours(3);
        await _host.ReserveOkAsync("r00011", "G1-013", start, start.AddHours(1));
        await _host.ReserveOkAsync("r00011", "G1-014", start.AddHours(1), start.AddHours(2));

        await using var again = await _host.ConnectHubAsync("r00011");
        var missed = await _host.GetOkAsync<Contracts.LotChangesDto>(
            ParkingHost.CompoundPath($"lots/G1/changes?epoch={seen.Epoch}&since={seen.Sequence}"), "r00011");

        Assert.True(missed.Complete);
        Assert.Equal(seen.Epoch, missed.Epoch);
        Assert.True(missed.Sequence >= seen.Sequence + 2, $"Sequence {missed.Sequence} should be at least {seen.Sequence + 2}.");
        Assert.All(missed.Changes, c => Assert.True(c.Sequence > seen.Sequence));
        Assert.Equal(missed.Changes.Select(c => c.Sequence).Order(), missed.Changes.Select(c => c.Sequence));
        Assert.Equal(missed.Sequence, missed.Changes[^1].Sequence);
        Assert.Contains(missed.Changes, c => c.Space?.SpaceId == "G1-013" && c.Space!.Held.Any(w => w.Start == start));
        Assert.Contains(missed.Changes, c => c.Space?.SpaceId == "G1-014" && c.Space!.Held.Any(w => w.Start == start.AddHours(1)));

        // Having caught up, the client watches again and is told of later changes live.
        var now = await again.WatchLotAsync("G1");
        Assert.True(now.Sequence >= missed.Sequence);
        await _host.ReserveOkAsync("r00011", "G1-015", start, start.AddHours(1));
        var live = await again.WaitForLotChangeAsync(c => c.Space?.SpaceId == "G1-015", "the reconnected client hears of G1-015");
        Assert.True(live.Sequence > missed.Sequence, $"Live sequence {live.Sequence} should follow {missed.Sequence}.");

        // Nothing missed since the latest sequence; an unknown epoch or a future sequence says "reload".
        var upToDate = await _host.GetOkAsync<Contracts.LotChangesDto>(
            ParkingHost.CompoundPath($"lots/G1/changes?epoch={seen.Epoch}&since={live.Sequence}"), "r00011");
        Assert.True(upToDate.Complete);
        Assert.Empty(upToDate.Changes);
        var otherEpoch = await _host.GetOkAsync<Contracts.LotChangesDto>(
            ParkingHost.CompoundPath($"lots/G1/changes?epoch={Guid.NewGuid()}&since={seen.Sequence}"), "r00011");
        Assert.False(otherEpoch.Complete);
        Assert.Empty(otherEpoch.Changes);
        Assert.Equal(seen.Epoch, otherEpoch.Epoch);
        var future = await _host.GetOkAsync<Contracts.LotChangesDto>(
            ParkingHost.CompoundPath($"lots/G1/changes?epoch={seen.Epoch}&since={live.Sequence + 100}"), "r00011");
        Assert.False(future.Complete);
    }
}
