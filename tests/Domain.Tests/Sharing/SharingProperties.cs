using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Parking.Domain.Reservations;
using Parking.Domain.Sharing;

namespace Parking.Domain.Tests.Sharing;

/// <summary>
/// Random plans (many of them invalid) published and republished on a private space, interleaved with
/// bookings by drivers and its owner, cancellations and the clock moving on. Whatever the sequence: no
/// booking is made outside a published window, a booking the current plan does not cover is not left
/// waiting for its driver, no two bookings hold the space at once, and a refused command changes nothing.
/// </summary>
public class SharingProperties
{
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(30);

    public abstract record Step;

    public sealed record PublishStep(int[][] Patterns, int FromDay, int Days, int WithdrawnDay) : Step;

    public sealed record ReserveStep(int Driver, int StartSlot, int LengthSlots) : Step;

    public sealed record CancelStep(int Pick) : Step;

    public sealed record WaitStep(int Slots) : Step;

    private static Gen<int[]> PatternGen() =>
        from day in Gen.Choose(0, 6)
        from days in Gen.Choose(1, 3)
        from start in Gen.Choose(0, 47)
        from length in Gen.Choose(1, 47)
        select new[] { day, days, start, length };

    private static Gen<Step> Steps() => Gen.OneOf(
        from patterns in PatternGen().ArrayOf().Select(a => a.Take(3).ToArray())
        from fromDay in Gen.Choose(-1, 3)
        from days in Gen.Choose(-1, 10)
        from withdrawn in Gen.Choose(-1, 6)
        select (Step)new PublishStep(patterns, fromDay, days, withdrawn),
        from driver in Gen.Choose(0, 3)
        from start in Gen.Choose(-1, 200)
        from length in Gen.Choose(1, 16)
        select (Step)new ReserveStep(driver, start, length),
        from pick in Gen.Choose(0, 20)
        select (Step)new CancelStep(pick),
        from slots in Gen.Choose(0, 12)
        select (Step)new WaitStep(slots));

    private static SharingPlan ToPlan(PublishStep p, DateTimeOffset now)
    {
        var today = SharingPlan.LocalDate(now, SharingPlanTests.China);
        var patterns = p.Patterns.Select(x => new WeeklyPattern(
            [.. Enumerable.Range(x[0], x[1]).Select(d => (DayOfWeek)(d % 7))],
            TimeOnly.FromTimeSpan(Slot * x[2]),
            TimeOnly.FromTimeSpan(Slot * ((x[2] + x[3]) % 48)))).ToList();
        var from = today.AddDays(p.FromDay);
        return new SharingPlan(patterns, from, from.AddDays(p.Days), p.WithdrawnDay < 0 ? [] : [from.AddDays(p.WithdrawnDay)], [], SharingPlanTests.China);
    }

    [Property(MaxTest = 300)]
    public Property No_booking_outside_a_published_window_and_no_overlap() =>
        Prop.ForAll(Steps().ListOf().Select(l => l.ToArray()).ToArbitrary(), steps =>
        {
            var calendar = SharingPlanTests.PrivateCalendar(null);
            var policy = SpaceCalendarTests.Policy;
            var now = SharingPlanTests.Now;

            foreach (var step in steps)
            {
                var before = calendar.Reservations.ToArray();
                var version = calendar.Version;
                var planBefore = calendar.Sharing;
                bool? refused = null;
                switch (step)
                {
                    case PublishStep p:
                        refused = !calendar.PublishSharing(ToPlan(p, now), now, TimeSpan.FromHours(24)).IsSuccess;
                        break;
                    case ReserveStep r:
                        var start = now + (Slot * r.StartSlot);
                        var window = new TimeWindow(start, start + (Slot * r.LengthSlots));
                        var household = r.Driver == 0 ? "H-owner" : $"H-{r.Driver}";
                        var outcome = calendar.Reserve(new ReserveCommand($"d{r.Driver}", window, null, HouseholdId: household), policy, now, Guid.NewGuid());
                        refused = !outcome.IsSuccess;
                        if (outcome.IsSuccess && (calendar.Sharing is null || !calendar.Sharing.Covers(window)))
                        {
                            return false.Label($"booked {window} outside the published windows");
                        }

                        if (outcome.IsSuccess && household == "H-owner")
                        {
                            return false.Label("the owner booked their own space as a sharer");
                        }

                        break;
                    case CancelStep c when calendar.Reservations.Count > 0:
                        var id = calendar.Reservations[c.Pick % calendar.Reservations.Count].Id;
                        refused = !calendar.Cancel(id, new Actor("staff", true), now).IsSuccess;
                        break;
                    case WaitStep w:
                        now += Slot * w.Slots;
                        calendar.ReleaseNoShows(now, policy);
                        break;
                }

                if (refused == true && (calendar.Version != version || calendar.Sharing != planBefore || !calendar.Reservations.SequenceEqual(before)))
                {
                    return false.Label($"refused {step} changed the calendar");
                }

                if (calendar.Reservations.Any(r => r.Status == ReservationStatus.Reserved && !calendar.Sharing!.Covers(r.Window)))
                {
                    return false.Label($"a waiting booking outside the current plan after {step}");
                }

                var held = calendar.Reservations.Select(r => r.HeldWindow).OfType<TimeWindow>().OrderBy(w => w.Start).ToArray();
                for (var i = 1; i < held.Length; i++)
                {
                    if (held[i - 1].End > held[i].Start)
                    {
                        return false.Label($"overlap after {step}");
                    }
                }
            }

            return true.ToProperty();
        });
}
