using System.Data.Common;
using Npgsql;

namespace Parking.Storage;

/// <summary>
/// How a silo connects to PostgreSQL (<c>Parking:Postgres</c>). Every part of a silo (Orleans' clustering,
/// grain storage and reminders, the history writer, the migrator) uses the same connection string, so they
/// share one Npgsql pool: <see cref="MaxPoolSize"/> is the number of server connections one silo may hold.
/// Budget: silos × <see cref="MaxPoolSize"/> plus a reserve for administration must stay under the server's
/// <c>max_connections</c> (100 on a default PostgreSQL, of which 3 are reserved for superusers).
/// </summary>
public sealed class PostgresOptions
{
    public const string SectionName = "Parking:Postgres";

    /// <summary>
    /// Connections one silo may hold. 20 lets four silos share a server left at its defaults with room for
    /// psql and backups; put PgBouncer in front for larger clusters. A <c>Maximum Pool Size</c> written in the
    /// connection string itself wins over this.
    /// </summary>
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>How long a starting silo keeps retrying a server it cannot reach (or that has no free connection) before it gives up.</summary>
    public TimeSpan StartupRetryLimit { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest pause between two attempts at start (the pause doubles from half a second up to this).</summary>
    public TimeSpan StartupRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);
}

public static class PostgresConnection
{
    /// <summary><c>ConnectionStrings:Parking</c> (environment: <c>ConnectionStrings__Parking</c>).</summary>
    public const string ConnectionStringName = "Parking";

    private static readonly string[] PoolSizeKeywords = ["maximum pool size", "max pool size", "maxpoolsize"];

    /// <summary>Sets the pool limit unless the connection string already names one.</summary>
    public static string WithPoolLimit(string connectionString, int maxPoolSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoolSize, 1);
        var parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (parsed.Keys.Cast<string>().Any(k => PoolSizeKeywords.Contains(k.Replace("_", " ", StringComparison.Ordinal).ToLowerInvariant())))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = maxPoolSize }.ConnectionString;
    }

    /// <summary>
    /// Failures worth waiting out at start: the server not (yet) reachable, starting up, or out of
    /// connections ("53300: sorry, too many clients already").
    /// </summary>
    /// <summary>
    /// Opens a connection from Npgsql's pool for <paramref name="connectionString"/>: the same pool Orleans' ADO.NET
    /// providers draw from with that string, so the history writers add no pool of their own to the budget.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState is "53300" or "57P03" or "53400" || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException,
        System.Net.Sockets.SocketException or TimeoutException => true,
        _ => false,
    };
}
