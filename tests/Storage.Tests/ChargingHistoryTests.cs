using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Parking.Domain.Charging;
using Parking.Domain.History;
using Parking.Grains.History;
using Parking.Storage.History;
using Xunit;

namespace Parking.Storage.Tests;

/// <summary>The PostgreSQL charging history: sessions written in the background answer as the in-memory history, once each, append-only.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ChargingHistoryTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Day = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static ChargingSessionRecord Session(string chargerId, int tx, string? resident, double startHour, long kwh, string area = "CA-1") =>
        new("c1", area, chargerId, tx, resident, resident is null ? null : "req-" + tx, Day.AddHours(startHour), Day.AddHours(startHour + 2), 1_000, 1_000 + (kwh * 1000), "EVDisconnected",
            TimeOfUseTariff.Default.Cost([new MeterReading(Day.AddHours(startHour), 1_000), new MeterReading(Day.AddHours(startHour + 2), 1_000 + (kwh * 1000))], TimeSpan.FromHours(8)));

    [Fact]
    public async Task Sessions_come_back_as_written_filtered_like_the_in_memory_history_and_a_retried_one_only_once()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        using var history = new PostgresChargingHistory(connectionString, new ReservationHistoryOptions { BatchSize = 2, FirstRetryDelay = TimeSpan.FromMilliseconds(50) }, NullLogger<PostgresChargingHistory>.Instance);
        var memory = new InMemoryChargingHistory();
        await history.StartAsync(CancellationToken.None);

        ChargingSessionRecord[] sessions =
        [
            Session("C-1", 1, "r1", 1, 7),
            Session("C-1", 2, "r2", 5, 12),
            Session("C-2", 1, "r1", 10, 3, area: "CA-2"),
            Session("C-2", 2, null, 30, 5, area: "CA-2"),
        ];
        foreach (var s in sessions.Append(sessions[0]))
        {
            history.Append(s);
            memory.Append(s);
        }

        await history.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var day = new ChargingSessionQuery("c1", Day, Day.AddDays(1));
        var stored = await history.Query(day);
        Assert.Equal(await memory.Query(day), stored);
        Assert.Equal([sessions[2], sessions[1], sessions[0]], stored);
        Assert.Equal(sessions[0].Cost, stored[^1].Cost);
        Assert.Equal([sessions[2], sessions[0]], await history.Query(day with { ResidentId = "r1" }));
        Assert.Equal([sessions[3], sessions[2]], await history.Query(new ChargingSessionQuery("c1", Day, Day.AddDays(2), AreaId: "CA-2")));
        Assert.Equal([sessions[1], sessions[0]], await history.Query(day with { ChargerId = "C-1" }));
        Assert.Empty(await history.Query(day with { CompoundId = "c2" }));

        var (chargers, areas) = ChargingEnergyReport.Of(stored);
        Assert.Equal([("C-1", 19.0), ("C-2", 3.0)], chargers.Select(c => (c.Id, c.EnergyKwh)));
        Assert.Equal(22.0, areas.Sum(a => a.EnergyKwh), 6);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var delete = new NpgsqlCommand("DELETE FROM charging_session_history", connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync());
        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);

        await history.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_departed_drivers_sessions_and_later_ones_name_their_pseudonym_and_the_memory_store_agrees()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        using var history = new PostgresChargingHistory(connectionString, new ReservationHistoryOptions { BatchSize = 2, FirstRetryDelay = TimeSpan.FromMilliseconds(50) }, NullLogger<PostgresChargingHistory>.Instance);
        var memory = new InMemoryChargingHistory();
        await history.StartAsync(CancellationToken.None);
        foreach (var s in new[] { Session("C-1", 1, "r1", 1, 7), Session("C-1", 2, "r2", 5, 12) })
        {
            history.Append(s);
            memory.Append(s);
        }

        await history.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await history.Anonymise("c1", "r1", "former-member-12345678");
        await memory.Anonymise("c1", "r1", "former-member-12345678");
        history.Append(Session("C-2", 3, "r1", 8, 4));
        memory.Append(Session("C-2", 3, "r1", 8, 4));
        await history.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var day = new ChargingSessionQuery("c1", Day, Day.AddDays(1));
        var stored = await history.Query(day);
        Assert.Equal(await memory.Query(day), stored);
        Assert.Empty(await history.Query(day with { ResidentId = "r1" }));
        Assert.Equal([8.0, 1.0], (await history.Query(day with { ResidentId = "former-member-12345678" })).Select(s => (s.StartedAt - Day).TotalHours));
        Assert.Single(await history.Query(day with { ResidentId = "r2" }));
        await history.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Retention_removes_the_compounds_sessions_stopped_before_the_cutoff_and_the_memory_store_agrees()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        using var history = new PostgresChargingHistory(connectionString, new ReservationHistoryOptions { BatchSize = 2, FirstRetryDelay = TimeSpan.FromMilliseconds(50) }, NullLogger<PostgresChargingHistory>.Instance);
        var memory = new InMemoryChargingHistory();
        await history.StartAsync(CancellationToken.None);
        ChargingSessionRecord[] sessions = [Session("C-1", 1, "r1", 1, 7), Session("C-1", 2, "r2", 5, 12), Session("C-1", 1, "r1", 1, 7) with { CompoundId = "c2" }];
        foreach (var s in sessions)
        {
            history.Append(s);
            memory.Append(s);
        }

        await history.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        // The first session stopped at 03:00, the second at 07:00: a cutoff at 05:00 takes only the first, in c1 only.
        var cutoff = Day.AddHours(5);
        Assert.Equal(1, await history.Forget("c1", cutoff));
        Assert.Equal(1, await memory.Forget("c1", cutoff));
        var day = new ChargingSessionQuery("c1", Day, Day.AddDays(1));
        Assert.Equal([sessions[1]], await history.Query(day));
        Assert.Equal(await memory.Query(day), await history.Query(day));
        Assert.Single(await history.Query(day with { CompoundId = "c2" }));
        Assert.Equal(0, await history.Forget("c1", cutoff));

        // Without a declared cutoff, or for a row after it, the table still refuses a delete.
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var delete = new NpgsqlCommand("DELETE FROM charging_session_history", connection);
        Assert.Contains("append-only", (await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync())).MessageText, StringComparison.Ordinal);
        await using var declared = new NpgsqlCommand(
            "BEGIN; SELECT set_config('parking.retention_compound', 'c1', true), set_config('parking.retention_cutoff', '2026-11-23T05:00:00Z', true); DELETE FROM charging_session_history; COMMIT;",
            connection);
        Assert.Contains("append-only", (await Assert.ThrowsAsync<PostgresException>(() => declared.ExecuteNonQueryAsync())).MessageText, StringComparison.Ordinal);
        await history.StopAsync(CancellationToken.None);
    }
}
