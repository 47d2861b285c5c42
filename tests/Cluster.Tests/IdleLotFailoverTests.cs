using System.Diagnostics;
using System.Globalization;
using Parking.Cluster.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Parking.Cluster.Tests;

/// <summary>
/// Three real silo processes on a database of their own, a watcher of one lot on each, and nothing happening in that lot:
/// the silo holding the lot's grain is SIGKILLed. The watchers on the other two must hear that the lot came back (it
/// was rebuilt on a survivor, under a new epoch) without anything touching it, and then hear of its next booking.
/// </summary>
public sealed class IdleLotFailoverTests(ITestOutputHelper output)
{
    /// <summary>Failure detection (the membership's votes), then one round of the hosts asking after their watched lots.</summary>
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(75);

    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(20);

    private const string Lot = "T1";

    private const string SpaceId = "T1-004";

    /// <summary>Books after the kill; no one else books here.</summary>
    private const string Resident = "r00031";

    [Fact]
    public async Task Watchers_of_an_idle_lot_hear_it_come_back_after_its_silo_dies_and_then_hear_its_next_booking()
    {
        var clock = Stopwatch.StartNew();
        await using var harness = await ClusterHarness.CreateAsync("idle-lot");
        try
        {
            await RunAsync(harness, clock);
        }
        catch (Exception)
        {
            output.WriteLine(harness.Diagnostics());
            throw;
        }
    }

    private async Task RunAsync(ClusterHarness harness, Stopwatch clock)
    {
        var api = harness.Api;
        var silos = await harness.StartSilosAsync(3);
        Log(clock, $"3 silos ready: {string.Join(", ", silos.Select(s => $"{s.Name} {s.BaseAddress} pid {s.ProcessId}"))}");
        foreach (var user in new[] { "staff01", Resident })
        {
            await api.TokenAsync(silos[0].BaseAddress, user);
        }

        // A watcher on every silo: whichever holds the lot, two watchers are on silos that survive it.
        var watchers = new List<LotWatcher>();
        try
        {
            foreach (var silo in silos)
            {
                watchers.Add(await LotWatcher.ConnectAsync($"watcher@{silo.Name}", silo.BaseAddress, api.Token("staff01"), Lot));
            }

            var before = watchers[0].Position(Lot);
            Assert.All(watchers, w => Assert.Equal(before.Epoch, w.Position(Lot).Epoch));

            // The lot's activation is wherever it last logged its rebuild (watching it activated it, if nothing had before).
            SiloProcess? victim = null;
            Assert.True(
                await ReservationChecks.EventuallyAsync(() => (victim = LotHost(silos)) is not null, TimeSpan.FromSeconds(10)),
                $"No silo logged building lot {Lot}'s index.");
            var survivors = silos.Where(s => s != victim).ToList();
            var watching = watchers.Where((_, i) => silos[i] != victim).ToList();
            Log(clock, $"lot {Lot} (epoch {before.Epoch}, sequence {before.Sequence}) lives on {victim!.Name}; watchers on {string.Join(", ", survivors.Select(s => s.Name))} stay");

            var killedAt = DateTimeOffset.UtcNow;
            await victim.KillAsync();
            Log(clock, $"SIGKILLed {victim.Name} (pid {victim.ProcessId})");

            // Nothing touches the lot: its watchers' hosts ask after it until it is rebuilt on a survivor, which announces its epoch.
            bool Restarted(LotWatcher w) => w.Changes(Lot).Any(c => c.IsRestart && c.Epoch != before.Epoch);
            var heard = await ReservationChecks.EventuallyAsync(() => watching.All(Restarted), RecoveryTimeout);
            Log(clock, $"restart heard by {watching.Count(Restarted)} of {watching.Count} watchers, {(DateTimeOffset.UtcNow - killedAt).TotalSeconds:F1} s after the kill");
            Assert.True(heard, $"Within {RecoveryTimeout.TotalSeconds} s of the kill, not every surviving watcher heard lot {Lot} come back: {Describe(watching)}");

            // The lot's next booking reaches them as a push of the new epoch, its numbers following on without a gap.
            var start = new DateTimeOffset(killedAt.Year, killedAt.Month, killedAt.Day, killedAt.Hour, 0, 0, TimeSpan.Zero).AddDays(3);
            var end = start.AddHours(1);
            Acknowledged? booked = null;
            var deadline = DateTimeOffset.UtcNow + RecoveryTimeout;
            while (booked is null && DateTimeOffset.UtcNow < deadline)
            {
                var attempt = await api.ReserveAsync([.. survivors.Select(s => s.BaseAddress)], 0, Resident, SpaceId, start, end, "idle-lot-booking", attempts: 2);
                booked = attempt.Reservation;
                if (booked is null)
                {
                    Log(clock, $"booking not acknowledged yet: {attempt.Status} {attempt.Detail}");
                    await Task.Delay(1000);
                }
            }

            Assert.True(booked is not null, $"No booking of {SpaceId} acknowledged through the survivors within {RecoveryTimeout.TotalSeconds} s.");
            bool Pushed(LotWatcher w) => w.Changes(Lot).Any(c => c.Epoch != before.Epoch && c.Space is { } space && space.SpaceId == SpaceId && space.Held.Any(h => h.Start == start && h.End == end));
            var pushed = await ReservationChecks.EventuallyAsync(() => watching.All(Pushed), PushTimeout);
            Log(clock, $"booking pushed to {watching.Count(Pushed)} of {watching.Count} watchers: {Describe(watching)}");
            Assert.True(pushed, $"The booking of {SpaceId} did not reach every surviving watcher as a push: {Describe(watching)}");
            foreach (var watcher in watching)
            {
                var booking = watcher.Changes(Lot).First(c => c.Epoch != before.Epoch && c.Space?.SpaceId == SpaceId);
                var epoch = watcher.Changes(Lot).Where(c => c.Epoch == booking.Epoch).ToList();
                var restart = epoch.FirstOrDefault(c => c.IsRestart);
                Assert.True(restart is not null, $"{watcher.Name} got the new epoch's changes without its restart announcement: {Describe([watcher])}");
                var numbers = epoch.Where(c => !c.IsRestart).Select(c => c.Sequence).ToList();
                Assert.Equal(Enumerable.Range(1, numbers.Count).Select(i => restart.Sequence + i), numbers);

                // And the picture the watcher rebuilds from its pushes and reloads shows the booking.
                Assert.True(await watcher.SawHeldAsync(SpaceId, start, end), $"{watcher.Name}'s picture does not show the booking.");
            }
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                await watcher.DisposeAsync();
            }
        }

        await Task.WhenAll(silos.Where(s => !s.HasExited).Select(s => s.StopAsync(TimeSpan.FromSeconds(30))));
    }

    /// <summary>The silo whose log shows the latest rebuild of the lot's index (the lines start with the time of day), if any.</summary>
    private static SiloProcess? LotHost(IReadOnlyList<SiloProcess> silos)
    {
        var marker = $"Lot {ParkingApi.Compound}/{Lot} index built";
        return silos
            .SelectMany(s => s.LogLines().Where(l => l.Contains(marker, StringComparison.Ordinal)).Select(l => (Silo: s, At: TimeOfDay(l))))
            .Where(x => x.At is not null)
            .OrderBy(x => x.At)
            .Select(x => x.Silo)
            .LastOrDefault();
    }

    private static TimeSpan? TimeOfDay(string line) =>
        line.Length >= 12 && TimeSpan.TryParseExact(line[..12], @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture, out var at) ? at : null;

    private static string Describe(IEnumerable<LotWatcher> watchers) => string.Join("; ", watchers.Select(w =>
        $"{w.Name} ({w.State}): {string.Join(", ", w.Changes(Lot).Select(c => $"{(c.IsRestart ? "restart" : c.Space?.SpaceId)} {c.Epoch.ToString()[..8]}#{c.Sequence}"))}"));

    private void Log(Stopwatch clock, string message) => output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1} s] {message}");
}
