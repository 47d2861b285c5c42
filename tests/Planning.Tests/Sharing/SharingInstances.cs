using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Planning.Sharing;

namespace Parking.Planning.Tests.Sharing;

/// <summary>Small hand-made and random instances for the sharing tests.</summary>
internal static class SharingInstances
{
    public static readonly DateTimeOffset Monday = new(2026, 12, 7, 0, 0, 0, TimeSpan.FromHours(8));

    public static TimeWindow At(int day, double fromHour, double toHour) =>
        new(Monday.AddDays(day).AddHours(fromHour), Monday.AddDays(day).AddHours(toHour));

    public static SupplySlot Space(string id, string lot, params TimeWindow[] windows) =>
        new(id, lot, SpaceKind.Standard, SpaceOwnership.Private, windows);

    public static SharingRequest Request(string id, string household, string? building, params TimeWindow[] windows) =>
        new(id, "d-" + id, household, windows, SpaceKind.Standard, building);

    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Walks(params (string Lot, string Building, int Meters)[] walks) =>
        walks.GroupBy(w => w.Lot).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, int>)g.ToDictionary(w => w.Building, w => w.Meters));

    /// <summary>A random small round: a few spaces over two days, requests of one to three windows.</summary>
    public static SharingInstance Random(int seed, int spaces = 5, int requests = 14)
    {
        var random = new Random(seed);
        var supply = new List<SupplySlot>();
        for (var s = 0; s < spaces; s++)
        {
            var lot = s % 2 == 0 ? "L1" : "L2";
            var windows = new List<TimeWindow>();
            for (var day = 0; day < 2; day++)
            {
                var from = random.Next(0, 10);
                windows.Add(At(day, from, from + random.Next(4, 14)));
            }

            var kind = random.Next(6) == 0 ? SpaceKind.EV : SpaceKind.Standard;
            supply.Add(new SupplySlot($"S{s}", lot, kind, SpaceOwnership.Private, windows, random.Next(0, 30)));
        }

        var list = new List<SharingRequest>();
        for (var r = 0; r < requests; r++)
        {
            var windows = new List<TimeWindow>();
            var days = random.Next(1, 3);
            var from = random.Next(0, 12);
            var length = random.Next(1, 8);
            for (var day = 2 - days; day < 2; day++)
            {
                windows.Add(At(day, from, from + length));
            }

            var kind = random.Next(8) == 0 ? SpaceKind.EV : SpaceKind.Standard;
            list.Add(new SharingRequest($"R{r}", $"D{r}", $"H{random.Next(0, requests / 2)}", windows, kind, random.Next(2) == 0 ? "B1" : "B2"));
        }

        var weights = Enumerable.Range(0, requests / 2).ToDictionary(h => $"H{h}", _ => (double)random.Next(1, 4));
        return new SharingInstance(supply, list, Walks(("L1", "B1", 50), ("L1", "B2", 200), ("L2", "B1", 180), ("L2", "B2", 40)), weights);
    }
}
