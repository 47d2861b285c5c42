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

    /// <summary>
    /// Statements each connection keeps prepared on the server once they were run a few times (Npgsql's automatic
    /// preparation; 0: none). Orleans' storage, membership and reminders send the same few statements again and again,
    /// so a prepared one skips the server's parse and plan on every state write. A <c>Max Auto Prepare</c> written in the
    /// connection string itself wins over this.
    /// </summary>
    public int MaxAutoPrepare { get; set; } = 32;

    /// <summary>
    /// Whether a connection's session is reset each time it goes back to the pool (Npgsql's default). Off: nothing in a
    /// silo changes a session's state, and the reset ran before nearly every statement. A <c>No Reset On Close</c> written
    /// in the connection string itself wins over this.
    /// </summary>
    public bool ResetOnClose { get; set; }

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
    private static readonly string[] AutoPrepareKeywords = ["max auto prepare", "maxautoprepare"];
    private static readonly string[] NoResetKeywords = ["no reset on close", "noresetonclose"];

    /// <summary>Sets the pool limit unless the connection string already names one.</summary>
    public static string WithPoolLimit(string connectionString, int maxPoolSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoolSize, 1);
        if (Names(connectionString, PoolSizeKeywords))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = maxPoolSize }.ConnectionString;
    }

    /// <summary>
    /// Sets automatic preparation (see <see cref="PostgresOptions.MaxAutoPrepare"/>) and, unless asked for
    /// (<see cref="PostgresOptions.ResetOnClose"/>), turns off the session reset a pooled connection gets each time it is
    /// handed back, each unless the connection string already names it. Orleans opens a connection for every statement,
    /// so the reset ran before nearly every statement (DISCARD ALL, or seven statements once anything is prepared, since
    /// DISCARD ALL would drop the prepared ones). Nothing in a silo changes a session's state: no SET, no temporary
    /// tables, locks only within a transaction, and Npgsql still rolls back a transaction left open.
    /// </summary>
    public static string Tuned(string connectionString, int maxAutoPrepare, bool resetOnClose = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxAutoPrepare);
        var tuned = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Names(connectionString, AutoPrepareKeywords))
        {
            tuned.MaxAutoPrepare = maxAutoPrepare;
        }

        if (!Names(connectionString, NoResetKeywords))
        {
            tuned.NoResetOnClose = !resetOnClose;
        }

        return tuned.ConnectionString;
    }

    private static bool Names(string connectionString, string[] keywords)
    {
        var parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return parsed.Keys.Cast<string>().Any(k => keywords.Contains(k.Replace("_", " ", StringComparison.Ordinal).ToLowerInvariant()));
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
