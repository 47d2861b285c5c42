using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Runtime;
using Parking.Domain;
using Parking.Domain.History;
using Parking.Domain.Layout;
using Parking.Domain.Membership;
using Parking.Domain.Seeding;
using Parking.Grains;
using Parking.Grains.Membership;
using Parking.Storage.History;
using Xunit;

namespace Parking.Storage.Tests;

/// <summary>
/// The retention sweep as it runs in service: armed when a compound's layout is first stored, its reminder kept in
/// PostgreSQL, fired by the reminder service of a cluster started later, and the sweep deleting from the histories in
/// PostgreSQL what is older than the compound's own retention period.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RetentionReminderTests(PostgresFixture postgres)
{
    /// <summary>How long the test waits for the tick: the reminder is due 20 s after it is brought forward, and ticks every minute after that.</summary>
    private static readonly TimeSpan TickWait = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task The_stored_retention_reminder_ticks_after_a_restart_and_the_sweep_deletes_history_past_the_compounds_period()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        var serviceId = "retention-" + Guid.NewGuid().ToString("N")[..8];
        var layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);
        var now = DateTimeOffset.UtcNow;

        // Two stays in the history, as the silo's writer stores them: one 60 days ago, one 10 days ago.
        using (var history = new PostgresReservationHistory(connectionString, new ReservationHistoryOptions(), NullLogger<PostgresReservationHistory>.Instance))
        {
            await history.StartAsync(CancellationToken.None);
            history.Append(Stay(layout.CompoundId, "old-stay", now.AddDays(-60)));
            history.Append(Stay(layout.CompoundId, "recent-stay", now.AddDays(-10)));
            await history.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await history.StopAsync(CancellationToken.None);
        }

        Assert.Equal(1L, await CountAsync(connectionString, layout.CompoundId, "old-stay"));

        await using (var first = await PostgresCluster.StartAsync(connectionString, serviceId, historyInPostgres: true))
        {
            // Storing the layout arms the compound's daily sweep, as a compound put into service does.
            Assert.True(await first.Client.Compound(layout.CompoundId).InitializeLayout(layout));
            var set = await first.Client.People(layout.CompoundId).SetRetentionDays(new PeopleActor("staff01", UserRole.Staff), 30);
            Assert.Null(set.Error);

            var reminders = first.Services().GetRequiredService<IReminderTable>();
            var grainId = first.Client.HistoryRetention(layout.CompoundId).GetGrainId();
            var armed = await reminders.ReadRow(grainId, HistoryRetentionGrain.Reminder);
            Assert.NotNull(armed);
            Assert.Equal(TimeSpan.FromDays(1), armed.Period);

            // Bring the stored tick forward, as the passing of a day would: due 20 s from now, then every minute (the
            // shortest period Orleans allows), so a cluster that takes longer to start still gets a tick soon after.
            await reminders.UpsertRow(new ReminderEntry
            {
                GrainId = grainId,
                ReminderName = HistoryRetentionGrain.Reminder,
                StartAt = DateTime.UtcNow.AddSeconds(20),
                Period = TimeSpan.FromMinutes(1),
            });
            await first.StopAllSilosAsync();
        }

        // A new cluster: nothing calls the sweep; only the reminder service, reading the reminder from the database, can.
        await using var second = await PostgresCluster.StartAsync(connectionString, serviceId, historyInPostgres: true);
        using var waited = new CancellationTokenSource(TickWait);
        while (await CountAsync(connectionString, layout.CompoundId, "old-stay") > 0 && !waited.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None);
        }

        Assert.True(0L == await CountAsync(connectionString, layout.CompoundId, "old-stay"), $"the stay of 60 days ago was still in the history {TickWait.TotalSeconds} s after the cluster started");
        Assert.Equal(1L, await CountAsync(connectionString, layout.CompoundId, "recent-stay"));
    }

    /// <summary>A stay that ended an hour after it began, recorded when it ended.</summary>
    private static ReservationEvent Stay(string compoundId, string reservationId, DateTimeOffset start) =>
        new(start.AddHours(1), compoundId, "A", "A-001", reservationId, "r00001", ReservationEventKind.Completed, new TimeWindow(start, start.AddHours(1)), start, start.AddHours(1), 3);

    private static async Task<long> CountAsync(string connectionString, string compoundId, string reservationId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM reservation_history WHERE compound_id = $1 AND reservation_id = $2", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = compoundId });
        command.Parameters.Add(new NpgsqlParameter { Value = reservationId });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
