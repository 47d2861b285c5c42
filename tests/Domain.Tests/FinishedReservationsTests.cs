using Parking.Domain;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Domain.Tests;

/// <summary>A space's hot calendar stays bounded however many bookings were made and cancelled on it.</summary>
public class FinishedReservationsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly ReservationPolicy Policy = new();

    [Fact]
    public void Many_book_and_cancel_cycles_leave_a_bounded_calendar_and_every_reservation_in_it_or_an_archived_chunk()
    {
        var calendar = SpaceCalendarTests.NewCalendar();
        var archive = new Dictionary<int, IReadOnlyList<Reservation>>();
        var index = new ArchiveIndex();
        var made = new List<string>();
        var largest = 0;
        for (var i = 0; i < 1_000; i++)
        {
            var start = Now.AddHours(2).AddMinutes(30 * (i % 500));
            var now = Now.AddSeconds(i);
            var booked = calendar.Reserve(new ReserveCommand("r1", new TimeWindow(start, start.AddMinutes(30)), null), Policy, now, Guid.NewGuid());
            Assert.True(booked.IsSuccess, booked.Error?.Message);
            made.Add(booked.Value!.Id);
            Assert.True(calendar.Cancel(booked.Value.Id, new Actor("r1", false), now).IsSuccess);
            if (calendar.ChunkToArchive() is { } chunk)
            {
                var number = index.Next;
                archive[number] = chunk;
                index.Added(number, chunk);
                calendar.Archived(chunk);
            }

            largest = Math.Max(largest, calendar.Reservations.Count);
        }

        Assert.True(largest < FinishedReservations.Kept + FinishedReservations.ChunkSize, $"the calendar held {largest} reservations");
        Assert.Equal(archive.Keys.Order(), index.Chunks.Select(c => c.Number).Order());
        var everywhere = calendar.Reservations.Concat(archive.Values.SelectMany(c => c)).Select(r => r.Id).ToList();
        Assert.Equal(made.Order(), everywhere.Order());
        Assert.All(archive.Values.SelectMany(c => c), r => Assert.Equal(ReservationStatus.Cancelled, r.Status));
    }

    /// <summary>Every booking writes the hot calendar again: it never carries more than 23 finished reservations (earlier builds: 47).</summary>
    [Fact]
    public void A_calendar_writes_at_most_23_finished_reservations_however_many_were_cancelled()
    {
        var calendar = SpaceCalendarTests.NewCalendar();
        var most = 0;
        for (var i = 0; i < 200; i++)
        {
            var start = Now.AddHours(2).AddMinutes(30 * i);
            var booked = calendar.Reserve(new ReserveCommand("r1", new TimeWindow(start, start.AddMinutes(30)), null), Policy, Now, Guid.NewGuid()).Value!;
            calendar.Cancel(booked.Id, new Actor("r1", false), Now.AddMinutes(i));
            if (calendar.ChunkToArchive() is { } chunk)
            {
                calendar.Archived(chunk);
            }

            most = Math.Max(most, calendar.Reservations.Count(r => !r.IsActive));
        }

        Assert.InRange(most, 1, 23);
    }

    [Fact]
    public void Active_reservations_are_never_archived_and_the_newest_finished_stay()
    {
        var calendar = SpaceCalendarTests.NewCalendar();
        var active = new List<string>();
        for (var i = 0; i < FinishedReservations.Kept + FinishedReservations.ChunkSize + 20; i++)
        {
            var start = Now.AddHours(2).AddMinutes(30 * i);
            var booked = calendar.Reserve(new ReserveCommand("r1", new TimeWindow(start, start.AddMinutes(30)), null), Policy, Now, Guid.NewGuid()).Value!;
            if (i % 5 == 0)
            {
                active.Add(booked.Id);
            }
            else
            {
                calendar.Cancel(booked.Id, new Actor("r1", false), Now.AddMinutes(i));
            }
        }

        var chunk = calendar.ChunkToArchive()!;
        Assert.Equal(FinishedReservations.ChunkSize, chunk.Count);
        Assert.All(chunk, r => Assert.False(r.IsActive));
        var newestArchived = chunk.Max(FinishedReservations.EndedAt);
        var index = new ArchiveIndex();
        index.Added(index.Next, chunk);
        calendar.Archived(chunk);

        Assert.All(active, id => Assert.Contains(calendar.Reservations, r => r.Id == id));
        Assert.All(calendar.Reservations.Where(r => !r.IsActive), r => Assert.True(FinishedReservations.EndedAt(r) >= newestArchived));
        Assert.Null(calendar.ChunkToArchive());
        Assert.Equal(1, index.Next);
        Assert.Equal(newestArchived, Assert.Single(index.Chunks).NewestEnded);
    }

    [Fact]
    public void A_chunk_expires_once_its_newest_reservation_is_older_than_the_history_period()
    {
        var index = new ArchiveIndex([new(0, Now), new(1, Now.AddHours(1))], next: 2);

        Assert.Empty(index.Expired(Now));
        Assert.Equal(0, Assert.Single(index.Expired(Now.AddMinutes(1))).Number);
        Assert.Equal(2, index.Expired(Now.AddHours(2)).Count);
    }
}
