using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Parking.Planning.Sharing;

namespace Parking.Bench.Planning;

/// <summary>
/// A Chengshangcheng-sized month of shared parking on the demo layout: a third of the private spaces
/// shared on weekdays 08:00–18:00 (two in five of those also on weekday nights 19:00–07:30, one in four
/// on Saturdays), a quarter of the common spaces left to the pool at all hours (the rest are let monthly),
/// the temporary lot at all hours; about 400 requests a night, recurring month-long ones and one-offs,
/// plus weekday and Saturday day requests. Deterministic for a seed.
/// </summary>
internal static class SharingMonth
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);
    public static readonly DateOnly First = new(2026, 12, 1);
    public static readonly DateOnly Last = new(2026, 12, 31);

    public sealed record Counts(int PrivateSpaces, int SharedPrivate, int SharedAtNight, int CommonInPool, int Temporary, int RecurringNight, int RecurringDay, int OneOffNight, int OneOffDay);

    public static (SharingInstance Instance, Counts Counts) Build(int seed = 2026, int recurringNight = 150, int oneOffPerNight = 250, int recurringDay = 40, int oneOffPerWeekday = 60, int oneOffPerSaturday = 80)
    {
        var layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Chengshangcheng);
        var random = new Random(seed);
        var supply = new List<SupplySlot>();
        var allDay = new List<TimeWindow> { new(At(First, new TimeOnly(0, 0)), At(Last.AddDays(1), new TimeOnly(0, 0))) };
        var weekdayDays = SharingWindows.Weekly(First, Last, SharingWindows.Weekdays, new TimeOnly(8, 0), new TimeOnly(18, 0), Offset);
        var weekdayNights = SharingWindows.Weekly(First, Last, SharingWindows.Weekdays, new TimeOnly(19, 0), new TimeOnly(7, 30), Offset);
        var saturdays = SharingWindows.Weekly(First, Last, [DayOfWeek.Saturday], new TimeOnly(8, 0), new TimeOnly(20, 0), Offset);
        int privateSpaces = 0, sharedPrivate = 0, sharedAtNight = 0, commonInPool = 0, temporary = 0;
        foreach (var lot in layout.Lots)
        {
            foreach (var space in lot.Spaces)
            {
                switch (space.Ownership)
                {
                    case SpaceOwnership.Private:
                        privateSpaces++;
                        if (random.NextDouble() < 1.0 / 3)
                        {
                            sharedPrivate++;
                            var windows = new List<TimeWindow>(weekdayDays);
                            if (random.NextDouble() < 0.4)
                            {
                                sharedAtNight++;
                                windows.AddRange(weekdayNights);
                            }

                            if (random.NextDouble() < 0.25)
                            {
                                windows.AddRange(saturdays);
                            }

                            supply.Add(Slot(space, windows));
                        }

                        break;
                    case SpaceOwnership.Common when random.NextDouble() < 0.25:
                        commonInPool++;
                        supply.Add(Slot(space, allDay));
                        break;
                    case SpaceOwnership.Temporary:
                        temporary++;
                        supply.Add(Slot(space, allDay));
                        break;
                }
            }
        }

        var drivers = layout.Users.Where(u => u.Role == UserRole.Resident && u.Vehicles.Count > 0).ToList();
        var requests = new List<(double Order, SharingRequest Request)>();
        var next = 0;
        SharingRequest NewRequest(IReadOnlyList<TimeWindow> windows)
        {
            var driver = drivers[random.Next(drivers.Count)];
            var roll = random.NextDouble();
            var kind = driver.Vehicles[0].IsElectric && roll < 0.5 ? SpaceKind.EV : roll > 0.985 ? SpaceKind.Accessible : SpaceKind.Standard;
            next++;
            return new SharingRequest($"q{next:00000}", driver.UserId, driver.HouseholdId!, windows, kind, driver.BuildingId);
        }

        // Order of arrival: month-long requests trickle in over the first week of asking, one-offs over the whole
        // period, so first-come-first-served interleaves them as a real queue would.
        for (var i = 0; i < recurringNight; i++)
        {
            requests.Add((random.NextDouble() * 0.6, NewRequest(weekdayNights)));
        }

        for (var i = 0; i < recurringDay; i++)
        {
            requests.Add((random.NextDouble() * 0.6, NewRequest(SharingWindows.Weekly(First, Last, SharingWindows.Weekdays, new TimeOnly(8, 30), new TimeOnly(17, 30), Offset))));
        }

        for (var day = First; day <= Last; day = day.AddDays(1))
        {
            for (var i = 0; i < oneOffPerNight; i++)
            {
                var start = new TimeOnly(17, 0).AddMinutes(30 * random.Next(0, 12));
                var hours = random.NextDouble() < 0.3 ? 31.5 - start.ToTimeSpan().TotalHours : 1 + random.Next(0, 10) / 2.0;
                var from = At(day, start);
                requests.Add((random.NextDouble(), NewRequest([new TimeWindow(from, from.AddHours(hours))])));
            }

            var dayRequests = day.DayOfWeek switch
            {
                DayOfWeek.Saturday => oneOffPerSaturday,
                DayOfWeek.Sunday => 0,
                _ => oneOffPerWeekday,
            };
            for (var i = 0; i < dayRequests; i++)
            {
                var start = new TimeOnly(8, 0).AddMinutes(30 * random.Next(0, 14));
                var from = At(day, start);
                var hours = day.DayOfWeek == DayOfWeek.Saturday ? 6 : 1 + random.Next(0, 8);
                var until = from.AddHours(hours);
                if (until > At(day, new TimeOnly(18, 0)))
                {
                    until = At(day, new TimeOnly(18, 0));
                }

                requests.Add((random.NextDouble(), NewRequest([new TimeWindow(from, until)])));
            }
        }

        var ordered = requests.OrderBy(r => r.Order).Select(r => r.Request).ToList();
        var counts = new Counts(privateSpaces, sharedPrivate, sharedAtNight, commonInPool, temporary, recurringNight, recurringDay,
            oneOffPerNight * (Last.DayNumber - First.DayNumber + 1), requests.Count - recurringNight - recurringDay - (oneOffPerNight * (Last.DayNumber - First.DayNumber + 1)));

        // Weights from past rounds: a tenth of the households lost one or two of the last rounds.
        var weights = layout.Households
            .Where(_ => random.NextDouble() < 0.1)
            .ToDictionary(h => h.Id, _ => 1.0 + random.Next(1, 3));
        return (new SharingInstance(supply, ordered, SharingInstance.WalkTablesOf(layout), weights), counts);
    }

    private static DateTimeOffset At(DateOnly day, TimeOnly time) => new(day.ToDateTime(time), Offset);

    private static SupplySlot Slot(SpaceDefinition space, IReadOnlyList<TimeWindow> windows) =>
        new(space.SpaceId, space.LotId, space.Kind, space.Ownership, windows, space.WalkOffsetMeters);
}
