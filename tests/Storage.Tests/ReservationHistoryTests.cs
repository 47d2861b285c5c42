using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Parking.Domain;
using Parking.Domain.History;
using Parking.Grains.History;
using Parking.Storage.History;
using Xunit;

namespace Parking.Storage.Tests;

/// <summary>The PostgreSQL reservation history: background batches, the same answers as the in-memory one, append-only.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReservationHistoryTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Day = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static DateTimeOffset At(double hours) => Day.AddHours(hours);

    private static ReservationEvent Event(string id, ReservationEventKind kind, double start, double end, double? checkedIn = null, double? ended = null, int revision = 1, string lot = "A") =>
        new(
            ended is { } e ? At(e) : checkedIn is { } c ? At(c) : At(start - 1),
            "c1",
            lot,
            $"{lot}-001",
            id,
            "r00001",
            kind,
            new TimeWindow(At(start), At(end)),
            checkedIn is { } ci ? At(ci) : null,
            ended is { } en ? At(en) : null,
            revision);

    private static readonly ReservationEvent[] Events =
    [
        Event("A-001.1", ReservationEventKind.Created, 10, 11),
        Event("A-001.1", ReservationEventKind.CheckedIn, 10, 11, checkedIn: 10, revision: 2),
        Event("A-001.1", ReservationEventKind.Completed, 10, 11, checkedIn: 10, ended: 10.5, revision: 3),
        Event("A-001.2", ReservationEventKind.Created, 10.5, 12) with { Window = new TimeWindow(At(10.5).ToOffset(TimeSpan.FromHours(8)), At(12).ToOffset(TimeSpan.FromHours(8))) },
        Event("A-001.2", ReservationEventKind.NoShow, 10.5, 12, ended: 10.75, revision: 2),
        Event("B-001.1", ReservationEventKind.Created, 11, 12, lot: "B"),
        Event("A-001.3", ReservationEventKind.Completed, -30, -29, checkedIn: -30, ended: -29, revision: 3),
    ];

    private static PostgresReservationHistory NewHistory(string connectionString, int queueCapacity = 1_000) =>
        new(connectionString, new ReservationHistoryOptions { QueueCapacity = queueCapacity, BatchSize = 3, FirstRetryDelay = TimeSpan.FromMilliseconds(50) }, NullLogger<PostgresReservationHistory>.Instance);

    [Fact]
    public async Task Appended_events_are_queryable_after_a_flush_and_answer_as_the_in_memory_history()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        using var history = NewHistory(connectionString);
        var memory = new InMemoryReservationHistory(NullLogger<InMemoryReservationHistory>.Instance);
        await history.StartAsync(CancellationToken.None);

        foreach (var e in Events)
        {
            history.Append(e);
            memory.Append(e);
        }

        await history.FlushAsync().WaitAsync(Wait);
        var period = new ReportPeriod(At(10), At(12));
        var stored = await history.Query("c1", period.From, period.To, lotId: null);
        var expected = await memory.Query("c1", period.From, period.To, lotId: null);

        // Yesterday's stay does not bear on the period; everything else comes back as it went in.
        Assert.Equal(Events[..^1], stored);
        Assert.Equal(expected, stored);
        Assert.Equal(["B-001.1"], (await history.Query("c1", period.From, period.To, "B")).Select(e => e.ReservationId));
        Assert.Empty(await history.Query("c2", period.From, period.To, lotId: null));

        var capacities = new Dictionary<string, int> { ["A"] = 2, ["B"] = 1 };
        Assert.Equal(ReservationReports.Occupancy(expected, period, capacities), ReservationReports.Occupancy(stored, period, capacities));
        Assert.Equal(new NoShowReport(3, 0, 1, 1, 1, 0.5), ReservationReports.NoShows(stored, period));

        await history.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_table_only_grows()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        using var history = NewHistory(connectionString);
        await history.StartAsync(CancellationToken.None);
        history.Append(Events[0]);
        await history.FlushAsync().WaitAsync(Wait);

        // The store has no way to change an event (only to put a departed person's pseudonym in) or to remove one (but
        // by the compound's retention period), and the database refuses it too, including a resident id changed for
        // someone who did not leave.
        Assert.Equal(["Anonymise", "Append", "Forget", "Query"], typeof(IReservationHistory).GetMethods().Select(m => m.Name).Order(StringComparer.Ordinal));
        foreach (var sql in new[] { "UPDATE reservation_history SET kind = 'cancelled'", "UPDATE reservation_history SET resident_id = 'someone-else'", "DELETE FROM reservation_history", "TRUNCATE reservation_history" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connectionString, sql));
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        history.Append(Events[1]);
        await history.FlushAsync().WaitAsync(Wait);
        Assert.Equal(2L, await ExecuteAsync(connectionString, "SELECT count(*) FROM reservation_history"));
        Assert.Equal([1, 2], (await history.Query("c1", At(0), At(24), null)).Select(e => e.Revision));
        await history.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task While_the_database_fails_events_wait_in_memory_up_to_the_bound_and_are_written_once_it_is_back()
    {
        // No table yet: every write fails until the schema is applied.
        var connectionString = await postgres.NewDatabaseAsync();
        using var history = NewHistory(connectionString, queueCapacity: 4);
        await history.StartAsync(CancellationToken.None);

        // Appending never waits, however long the database is away; past the bound, events are dropped.
        var appending = Task.Run(() =>
        {
            foreach (var e in Events.Concat(Events))
            {
                history.Append(e);
            }
        });
        await appending.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(300);
        Assert.Equal(0, history.Written);
        Assert.True(history.Dropped > 0);

        await new SchemaMigrator(connectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        await history.FlushAsync().WaitAsync(Wait);

        var kept = (long)Events.Length * 2 - history.Dropped;
        Assert.Equal(kept, history.Written);
        Assert.Equal(kept, await ExecuteAsync(connectionString, "SELECT count(*) FROM reservation_history"));
        await history.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_departed_person_is_replaced_by_their_pseudonym_in_rows_written_before_and_after()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        using var history = NewHistory(connectionString);
        await history.StartAsync(CancellationToken.None);
        history.Append(Events[0]);
        history.Append(Events[5] with { ResidentId = "r00002" });
        await history.FlushAsync().WaitAsync(Wait);

        await history.Anonymise("c1", "r00001", "former-member-0a1b2c3d");
        history.Append(Events[1]);
        history.Append(Events[2] with { CompoundId = "c2" });
        await history.FlushAsync().WaitAsync(Wait);

        var stored = await history.Query("c1", At(0), At(24), null);
        Assert.Equal(["former-member-0a1b2c3d", "r00002", "former-member-0a1b2c3d"], stored.Select(e => e.ResidentId));
        Assert.Equal([Events[0] with { ResidentId = "former-member-0a1b2c3d" }, Events[1] with { ResidentId = "former-member-0a1b2c3d" }], stored.Where(e => e.LotId == "A"));

        // Only that compound: the same person elsewhere keeps their id.
        Assert.Equal("r00001", Assert.Single(await history.Query("c2", At(0), At(24), null)).ResidentId);

        // Leaving twice keeps the first pseudonym; nothing else about a row may change.
        await history.Anonymise("c1", "r00001", "former-member-ffffffff");
        Assert.DoesNotContain(await history.Query("c1", At(0), At(24), null), e => e.ResidentId == "former-member-ffffffff");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connectionString, "UPDATE reservation_history SET kind = 'cancelled' WHERE resident_id = 'former-member-0a1b2c3d'"));
        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        await history.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Retention_removes_the_compounds_events_wholly_before_the_cutoff_and_the_memory_store_agrees()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        using var history = NewHistory(connectionString);
        var memory = new InMemoryReservationHistory(NullLogger<InMemoryReservationHistory>.Instance);
        await history.StartAsync(CancellationToken.None);
        foreach (var e in Events.Append(Events[^1] with { CompoundId = "c2" }))
        {
            history.Append(e);
            memory.Append(e);
        }

        await history.FlushAsync().WaitAsync(Wait);

        // Yesterday's stay (window and events before today) goes; today's events stay, as does c2's copy of it.
        Assert.Equal(1, await history.Forget("c1", Day));
        Assert.Equal(1, await memory.Forget("c1", Day));
        Assert.Equal(Events[..^1], await history.Query("c1", At(-48), At(48), null));
        Assert.Equal(await memory.Query("c1", At(-48), At(48), null), await history.Query("c1", At(-48), At(48), null));
        Assert.Single(await history.Query("c2", At(-48), At(48), null));

        // An event before the cutoff of a booking whose window ends after it stays (the booking is not over yet).
        Assert.Equal(0, await history.Forget("c1", At(10.25)));
        Assert.Equal(0, await memory.Forget("c1", At(10.25)));
        await history.StopAsync(CancellationToken.None);
    }

    private static async Task<object?> ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
