using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Parking.Domain.Reservations;

namespace Parking.Domain.Tests;

/// <summary>
/// Random sequences of everything that can happen to a space: reservations by several residents (many
/// of them invalid or clashing), cancellations, check-ins and check-outs by the right or wrong person,
/// and the clock moving on with no-shows released. Whatever the sequence, no two reservations ever hold
/// the space at once, a refused command changes nothing, and a finished reservation never comes back.
/// </summary>
public class CalendarProperties
{
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(15);

    public abstract record Step;

    public sealed record ReserveStep(int Resident, int StartSlot, int LengthSlots) : Step;

    public sealed record CancelStep(int Pick, int Resident, bool Staff) : Step;

    public sealed record CheckInStep(int Pick, int Resident) : Step;

    public sealed record CheckOutStep(int Pick, int Resident) : Step;

    public sealed record WaitStep(int Slots) : Step;

    private static Gen<Step> Steps() => Gen.OneOf(
        from resident in Gen.Choose(0, 3)
        from start in Gen.Choose(-2, 40)
        from length in Gen.Choose(-1, 12)
        select (Step)new ReserveStep(resident, start, length),
        from pick in Gen.Choose(0, 20)
        from resident in Gen.Choose(0, 3)
        from staff in Gen.Elements(true, false, false, false)
        select (Step)new CancelStep(pick, resident, staff),
        from pick in Gen.Choose(0, 20)
        from resident in Gen.Choose(0, 3)
        select (Step)new CheckInStep(pick, resident),
        from pick in Gen.Choose(0, 20)
        from resident in Gen.Choose(0, 3)
        select (Step)new CheckOutStep(pick, resident),
        from slots in Gen.Choose(0, 6)
        select (Step)new WaitStep(slots));

    [Property(MaxTest = 500)]
    public Property No_sequence_leaves_two_reservations_holding_the_space_at_once() =>
        Prop.ForAll(Steps().ListOf().Select(l => l.ToArray()).ToArbitrary(), steps =>
        {
            var calendar = SpaceCalendarTests.NewCalendar();
            var policy = SpaceCalendarTests.Policy;
            var now = SpaceCalendarTests.Now;
            var finished = new Dictionary<string, Reservation>();

            foreach (var step in steps)
            {
                var before = calendar.Reservations.ToArray();
                var versionBefore = calendar.Version;
                Outcome<Reservation>? outcome = null;

                switch (step)
                {
                    case ReserveStep r:
                        var start = now + (Slot * r.StartSlot);
                        outcome = calendar.Reserve(new ReserveCommand($"r{r.Resident}", new TimeWindow(start, start + (Slot * r.LengthSlots)), null), policy, now, Guid.NewGuid());
                        break;
                    case CancelStep c:
                        outcome = calendar.Cancel(Pick(calendar, c.Pick), new Actor($"r{c.Resident}", c.Staff), now);
                        break;
                    case CheckInStep i:
                        outcome = calendar.CheckIn(Pick(calendar, i.Pick), new Actor($"r{i.Resident}", false), now, policy);
                        break;
                    case CheckOutStep o:
                        outcome = calendar.CheckOut(Pick(calendar, o.Pick), new Actor($"r{o.Resident}", false), now);
                        break;
                    case WaitStep w:
                        now += Slot * w.Slots;
                        calendar.ReleaseNoShows(now, policy);
                        break;
                }

                if (outcome is { IsSuccess: false } && (calendar.Version != versionBefore || !calendar.Reservations.SequenceEqual(before)))
                {
                    return false.Label($"refused {step} changed the calendar");
                }

                if (!NoTwoHoldsOverlap(calendar))
                {
                    return false.Label($"overlap after {step}");
                }

                foreach (var reservation in calendar.Reservations)
                {
                    if (finished.TryGetValue(reservation.Id, out var earlier) && earlier != reservation)
                    {
                        return false.Label($"finished reservation {reservation.Id} changed after {step}");
                    }

                    if (!reservation.IsActive)
                    {
                        finished[reservation.Id] = reservation;
                    }
                }
            }

            return true.ToProperty();
        });

    private static bool NoTwoHoldsOverlap(SpaceCalendar calendar)
    {
        var held = calendar.Reservations.Select(r => r.HeldWindow).OfType<TimeWindow>().OrderBy(w => w.Start).ToArray();
        for (var i = 1; i < held.Length; i++)
        {
            if (held[i - 1].End > held[i].Start)
            {
                return false;
            }
        }

        return true;
    }

    private static string Pick(SpaceCalendar calendar, int pick) =>
        calendar.Reservations.Count == 0 ? "G1-001.none" : calendar.Reservations[pick % calendar.Reservations.Count].Id;
}
