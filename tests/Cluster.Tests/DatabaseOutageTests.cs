using System.Diagnostics;
using System.Net;
using Parking.Cluster.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

// Each test runs its own PostgreSQL and silo processes; on a small machine they must not overlap.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Parking.Cluster.Tests;

/// <summary>
/// PostgreSQL stops while a silo process serves requests: reservations are refused with 503 problem
/// details and leave nothing behind, and the silo serves again by itself once PostgreSQL is back.
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] Residents = ["r00001", "r00002", "r00003"];

    [Fact]
    public async Task A_database_outage_gives_503_problem_details_writes_nothing_and_the_silo_recovers_by_itself()
    {
        var clock = Stopwatch.StartNew();
        await using var harness = await ClusterHarness.CreateAsync("outage");
        try
        {
            await RunAsync(harness, clock);
        }
        catch (Exception)
        {
            output.WriteLine(harness.Diagnostics());
            output.WriteLine($"PostgreSQL log: {Path.Combine(harness.Postgres.Root, "server.log")}");
            throw;
        }
    }

    private async Task RunAsync(ClusterHarness harness, Stopwatch clock)
    {
        var api = harness.Api;
        var silo = (await harness.StartSilosAsync(1))[0];
        IReadOnlyList<Uri> urls = [silo.BaseAddress];
        foreach (var user in Residents.Append("staff01"))
        {
            await api.TokenAsync(urls[0], user);
        }

        Log(clock, $"{silo.Name} ready on {silo.BaseAddress}");

        // Before: reservations on half the spaces (their grains active), acknowledged.
        var slots = new Slots(TimeSpan.Zero);
        var before = new List<Acknowledged>();
        foreach (var (spaceId, start, end) in slots.NextRound().Where((_, i) => i % 2 == 0))
        {
            var attempt = await api.ReserveAsync(urls, 0, Residents[before.Count % Residents.Length], spaceId, start, end, $"before-{spaceId}", attempts: 1);
            Assert.True(attempt.Reservation is not null, $"{spaceId}: {attempt.Status} {attempt.Detail}");
            before.Add(attempt.Reservation);
        }

        // Outage: PostgreSQL stops (fast: connections cut), its data directory kept.
        await harness.Postgres.StopAsync();
        Log(clock, $"PostgreSQL stopped after {before.Count} reservations");
        var refused = new List<(string ResidentId, string SpaceId, DateTimeOffset Start, DateTimeOffset End)>();
        var wrong = new List<string>();
        var round = slots.NextRound();
        foreach (var (i, (spaceId, start, end)) in round.Index().Where(s => s.Index % 5 < 2))
        {
            // Spaces with an active grain (reserved before) and spaces never touched since the start.
            var resident = Residents[i % Residents.Length];
            var attempt = await api.ReserveAsync(urls, 0, resident, spaceId, start, end, $"outage-{spaceId}", attempts: 1);
            if (attempt.Status == HttpStatusCode.ServiceUnavailable && attempt.MediaType == "application/problem+json" && attempt.ProblemCode == "service-unavailable")
            {
                refused.Add((resident, spaceId, start, end));
            }
            else
            {
                wrong.Add($"{spaceId}: {(attempt.Status is { } s ? (int)s : 0)} {attempt.MediaType} {attempt.Detail}");
            }
        }

        Log(clock, $"during the outage: {refused.Count} refused with 503 service-unavailable, {wrong.Count} answered otherwise");
        Assert.True(wrong.Count == 0, $"Requests during the outage not answered with 503 problem details (code service-unavailable):\n{string.Join("\n", wrong)}");

        // PostgreSQL returns on the same port and data directory; the silo recovers by itself.
        await harness.Postgres.RestartAsync();
        var restartedAt = DateTimeOffset.UtcNow;
        Log(clock, "PostgreSQL started again");
        var recovered = new List<Acknowledged>();
        var deadline = restartedAt + RecoveryTimeout;
        var probes = 0;
        while (DateTimeOffset.UtcNow < deadline && recovered.Count < 3)
        {
            var (spaceId, start, end) = slots.Next();
            var resident = Residents[probes++ % Residents.Length];
            var attempt = await api.ReserveAsync(urls, 0, resident, spaceId, start, end, $"after-{probes}", attempts: 1);
            if (attempt.Reservation is { } acknowledged)
            {
                recovered.Add(acknowledged);
            }
            else if (attempt.Status == HttpStatusCode.ServiceUnavailable)
            {
                // Refused while storage was still coming back: it must not exist either.
                refused.Add((resident, spaceId, start, end));
                await Task.Delay(500);
            }
            else
            {
                Assert.Fail($"After the outage, {spaceId}: {(attempt.Status is { } s ? (int)s : 0)} {attempt.Detail}");
            }
        }

        Log(clock, $"{recovered.Count} reservations succeeded {(DateTimeOffset.UtcNow - restartedAt).TotalSeconds:F1} s after PostgreSQL returned ({probes} tries)");
        Assert.True(recovered.Count == 3, $"No reservation succeeded within {RecoveryTimeout.TotalSeconds} s of PostgreSQL's return.");

        // Everything acknowledged is there; nothing refused was half-written.
        IReadOnlyCollection<Acknowledged> all = [.. before, .. recovered];
        var absent = await ReservationChecks.AllPresentAsync(api, urls, all);
        Assert.True(absent.Count == 0, string.Join("\n", absent));
        var inconsistent = await ReservationChecks.OccupancyConsistentAsync(api, urls[0], all);
        Assert.True(inconsistent.Count == 0, string.Join("\n", inconsistent));
        var held = new Dictionary<string, IReadOnlyList<Contracts.TimeWindowDto>>(StringComparer.Ordinal);
        foreach (var lot in ReservationChecks.Lots)
        {
            foreach (var space in (await api.OccupancyAsync(urls[0], lot)).Spaces)
            {
                held[space.SpaceId] = space.Held;
            }
        }

        var halfWritten = new List<string>();
        foreach (var (resident, spaceId, start, end) in refused)
        {
            if (held[spaceId].Any(w => w.Start < end && start < w.End))
            {
                halfWritten.Add($"{spaceId} {start:O}: held although refused");
            }

            var mine = await api.GetOkAsync<Contracts.ReservationDto[]>(urls[0], ParkingApi.CompoundPath("reservations/mine"), resident);
            if (mine.Any(r => r.SpaceId == spaceId && r.Start == start))
            {
                halfWritten.Add($"{spaceId} {start:O}: in {resident}'s reservations although refused");
            }
        }

        Assert.True(halfWritten.Count == 0, string.Join("\n", halfWritten));
        Log(clock, $"{all.Count} acknowledged reservations intact; none of the {refused.Count} refused ones exists");
        await silo.StopAsync(TimeSpan.FromSeconds(30));
    }

    private void Log(Stopwatch clock, string message) => output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1} s] {message}");
}
