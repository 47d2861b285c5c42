using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Parking.Contracts;

namespace Parking.Cluster.Tests.Infrastructure;

/// <summary>What the tests check about stored reservations, returning the problems found (none is a pass).</summary>
public static class ReservationChecks
{
    public static readonly IReadOnlyList<string> Lots = ["G1", "T1"];

    /// <summary>
    /// Every acknowledged reservation, read back by its resident (<c>GET .../reservations/{id}</c>, through
    /// the silos in turn): 200, the same space and window, still reserved.
    /// </summary>
    public static async Task<IReadOnlyList<string>> AllPresentAsync(ParkingApi api, IReadOnlyList<Uri> silos, IReadOnlyCollection<Acknowledged> acknowledged)
    {
        var problems = new ConcurrentQueue<string>();
        var index = 0;
        await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (reservation, _) =>
        {
            // A 503 says "retry", not "absent": a read is retried on the next silo a few times.
            var first = Interlocked.Increment(ref index);
            var path = ParkingApi.CompoundPath($"reservations/{Uri.EscapeDataString(reservation.Id)}");
            HttpStatusCode status = 0;
            var raw = "";
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var silo = silos[(first + attempt) % silos.Count];
                using var response = await api.SendAsync(silo, HttpMethod.Get, path, reservation.ResidentId);
                status = response.StatusCode;
                raw = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if ((int)status < 500)
                {
                    break;
                }

                await Task.Delay(500, CancellationToken.None);
            }

            if (status != HttpStatusCode.OK)
            {
                problems.Enqueue($"{reservation}: {(int)status} {raw}");
                return;
            }

            var found = JsonSerializer.Deserialize<ReservationDto>(raw, ParkingApi.Json)!;
            if (found.SpaceId != reservation.SpaceId || found.Start != reservation.Start || found.End != reservation.End || found.Status.WireName() != "reserved")
            {
                problems.Enqueue($"{reservation}: read back as {raw}");
            }
        });
        return [.. problems];
    }

    /// <summary>
    /// The lots' occupancy (staff): no space holds two overlapping windows, and every acknowledged
    /// reservation's window is held by its space.
    /// </summary>
    public static async Task<IReadOnlyList<string>> OccupancyConsistentAsync(ParkingApi api, Uri silo, IReadOnlyCollection<Acknowledged> acknowledged)
    {
        var problems = new List<string>();
        var held = new Dictionary<string, IReadOnlyList<TimeWindowDto>>(StringComparer.Ordinal);
        foreach (var lot in Lots)
        {
            var occupancy = await api.OccupancyAsync(silo, lot);
            foreach (var space in occupancy.Spaces)
            {
                held[space.SpaceId] = space.Held;
                var ordered = space.Held.OrderBy(w => w.Start).ToList();
                for (var i = 1; i < ordered.Count; i++)
                {
                    if (ordered[i].Start < ordered[i - 1].End)
                    {
                        problems.Add($"{space.SpaceId}: overlapping held windows {ordered[i - 1]} and {ordered[i]}");
                    }
                }
            }
        }

        foreach (var reservation in acknowledged)
        {
            if (!held.TryGetValue(reservation.SpaceId, out var windows) || !windows.Any(w => w.Start == reservation.Start && w.End == reservation.End))
            {
                problems.Add($"{reservation}: its window is not held by {reservation.SpaceId} in the lot occupancy");
            }
        }

        return problems;
    }

    /// <summary>Polls <paramref name="condition"/> every 250 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout) =>
        EventuallyAsync(() => Task.FromResult(condition()), timeout);

    /// <summary>Polls <paramref name="condition"/> every 250 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(250);
        }

        return true;
    }
}
