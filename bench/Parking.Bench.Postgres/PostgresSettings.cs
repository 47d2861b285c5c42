using Npgsql;
using Parking.Testing;

namespace Parking.Bench.Postgres;

internal static class PostgresSettings
{
    /// <summary>The settings that decide what a commit costs, as the server reports them.</summary>
    public static async Task<string> DurabilitySettingsAsync(this PostgresServer server)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT name || '=' || setting || coalesce(unit, '') FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'commit_delay', 'shared_buffers', 'max_connections') ORDER BY name",
            connection);
        var settings = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            settings.Add(reader.GetString(0));
        }

        return string.Join(", ", settings);
    }
}
