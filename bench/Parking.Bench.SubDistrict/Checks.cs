using System.Collections.Concurrent;
using System.Text.Json;
using Parking.Contracts;

namespace Parking.Bench.SubDistrict;

/// <summary>What the bench checks through the API after the kill; each returns the problems found (none is a pass).</summary>
internal static class Checks
{
    /// <summary>
    /// Every acknowledged reservation read back by its resident (<c>GET .../reservations/{id}</c>, through the
    /// survivors in turn): 200, the same space and window, still reserved. Lost: answered otherwise (404, changed).
    /// Unverified: no answer or a 5xx within a minute of retries, which says nothing either way.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Lost, IReadOnlyList<string> Unverified)> AllPresentAsync(SiloClient client, IReadOnlyList<int> survivors, IReadOnlyCollection<Acknowledged> acknowledged, CancellationToken cancellationToken)
    {
        var problems = new ConcurrentQueue<string>();
        var unverified = new ConcurrentQueue<string>();
        var index = 0;
        await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (reservation, token) =>
        {
            var silo = survivors[Interlocked.Increment(ref index) % survivors.Count];
            var answer = await client.SendAsync(
                silo,
                HttpMethod.Get,
                $"/api/compounds/{reservation.Driver.CompoundId}/reservations/{Uri.EscapeDataString(reservation.Id)}",
                reservation.Driver.Token,
                null,
                null,
                TimeSpan.FromSeconds(60),
                token);
            if (answer.Status != 200)
            {
                (answer.Status is 0 or >= 500 ? unverified : problems).Enqueue($"{reservation.Driver.CompoundId} {reservation.Id} ({reservation.SpaceId} {reservation.Start:O}): {answer.Outcome} {Trim(answer.Body)}");
                return;
            }

            var found = JsonSerializer.Deserialize<ReservationDto>(answer.Body, SiloClient.Json)!;
            if (found.SpaceId != reservation.SpaceId || found.Start != reservation.Start || found.End != reservation.End || found.Status.WireName() != "reserved")
            {
                problems.Enqueue($"{reservation.Driver.CompoundId} {reservation.Id}: read back as {Trim(answer.Body)}");
            }
        });
        return ([.. problems], [.. unverified]);
    }

    /// <summary>
    /// Every lot's occupancy (as staff): no space holds two overlapping windows, and every acknowledged reservation's
    /// window is held by its space. Returns the problems and how many spaces the lots listed.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Problems, int Spaces)> OccupancyConsistentAsync(
        SiloClient client,
        IReadOnlyList<int> survivors,
        IReadOnlyList<(string CompoundId, string LotId, string StaffToken)> lots,
        IReadOnlyCollection<Acknowledged> acknowledged,
        CancellationToken cancellationToken)
    {
        var problems = new ConcurrentQueue<string>();
        var held = new ConcurrentDictionary<(string, string), IReadOnlyList<TimeWindowDto>>();
        var index = 0;
        await Parallel.ForEachAsync(lots, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (lot, token) =>
        {
            var occupancy = await OccupancyAsync(client, survivors[Interlocked.Increment(ref index) % survivors.Count], lot, token);
            foreach (var space in occupancy.Spaces)
            {
                held[(lot.CompoundId, space.SpaceId)] = space.Held;
                var ordered = space.Held.OrderBy(w => w.Start).ToList();
                for (var i = 1; i < ordered.Count; i++)
                {
                    if (ordered[i].Start < ordered[i - 1].End)
                    {
                        problems.Enqueue($"{lot.CompoundId} {space.SpaceId}: overlapping held windows {ordered[i - 1]} and {ordered[i]}");
                    }
                }
            }
        });

        foreach (var reservation in acknowledged)
        {
            if (!held.TryGetValue((reservation.Driver.CompoundId, reservation.SpaceId), out var windows) || !windows.Any(w => w.Start == reservation.Start && w.End == reservation.End))
            {
                problems.Enqueue($"{reservation.Driver.CompoundId} {reservation.Id}: its window is not held by {reservation.SpaceId} in the lot occupancy");
            }
        }

        return ([.. problems], held.Count);
    }

    /// <summary>A lot's occupancy as staff, from <paramref name="silo"/> (and the next ones on failure).</summary>
    public static async Task<LotOccupancyDto> OccupancyAsync(SiloClient client, int silo, (string CompoundId, string LotId, string StaffToken) lot, CancellationToken cancellationToken)
    {
        var answer = await client.SendAsync(silo, HttpMethod.Get, $"/api/compounds/{lot.CompoundId}/lots/{lot.LotId}/occupancy", lot.StaffToken, null, null, TimeSpan.FromMinutes(2), cancellationToken);
        if (answer.Status != 200)
        {
            throw new InvalidOperationException($"occupancy of {lot.CompoundId}/{lot.LotId}: {answer.Outcome} {Trim(answer.Body)}");
        }

        return JsonSerializer.Deserialize<LotOccupancyDto>(answer.Body, SiloClient.Json)!;
    }

    private static string Trim(string text) => text.Length > 300 ? text[..300] + " ..." : text;
}
