using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Parking.Storage;

/// <summary>One schema script: its file name (which orders it), its text and the SHA-256 of that text.</summary>
public sealed record SchemaScript(string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

    /// <summary>The number the name starts with ("0003-persistence.sql" is 3).</summary>
    public int Version { get; } = int.Parse(Name.AsSpan(0, Name.IndexOf('-', StringComparison.Ordinal)), CultureInfo.InvariantCulture);

    /// <summary>Every <c>Schema/*.sql</c> embedded in this assembly, in name order.</summary>
    public static IReadOnlyList<SchemaScript> Embedded()
    {
        const string prefix = "Parking.Storage.Schema.";
        var assembly = typeof(SchemaScript).Assembly;
        return
        [
            .. assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(n => new SchemaScript(n[prefix.Length..], Read(assembly, n))),
        ];
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}

/// <summary>
/// Brings a PostgreSQL database up to the embedded schema: each script not yet recorded in
/// <c>parking_schema_version</c> runs once, in name order, in its own transaction together with its
/// version row, so a failed script leaves nothing behind and is retried on the next start. Every silo
/// runs this at start; a transaction-scoped advisory lock makes concurrent silos take turns, and the
/// second one finds the work done.
/// </summary>
public sealed partial class SchemaMigrator(string connectionString, ILogger<SchemaMigrator> logger)
{
    /// <summary>Arbitrary, fixed key of the advisory lock ("parking" in ASCII) shared by every silo.</summary>
    private const long LockKey = 0x7061726b696e67;

    private const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS parking_schema_version
        (
            version    integer     NOT NULL PRIMARY KEY,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    private readonly IReadOnlyList<SchemaScript> _scripts = SchemaScript.Embedded();

    public IReadOnlyList<SchemaScript> Scripts => _scripts;

    /// <summary>
    /// <see cref="MigrateAsync"/> at a silo's start, waiting out a server that cannot be reached or has no
    /// free connection (another silo seeding, a server still starting) with a doubling pause, up to
    /// <see cref="PostgresOptions.StartupRetryLimit"/>; any other failure, or the limit, is thrown.
    /// </summary>
    public async Task<IReadOnlyList<string>> MigrateWithRetryAsync(PostgresOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = TimeProvider.System.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await MigrateAsync(cancellationToken);
            }
            catch (Exception e) when (PostgresConnection.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                var waited = TimeProvider.System.GetElapsedTime(started);
                if (waited + delay > options.StartupRetryLimit)
                {
                    LogGaveUp(attempt, waited, e.Message);
                    throw;
                }

                LogRetrying(attempt, e.Message, delay);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.StartupRetryMaxDelay.Ticks));
            }
        }
    }

    /// <summary>Applies the pending scripts; returns the names of those it applied (none when up to date).</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var applied = new List<string>();
        foreach (var script in _scripts)
        {
            if (await ApplyAsync(connection, script, cancellationToken))
            {
                applied.Add(script.Name);
            }
        }

        if (applied.Count == 0)
        {
            LogUpToDate(connection.Database, _scripts.Count);
        }

        return applied;
    }

    private async Task<bool> ApplyAsync(NpgsqlConnection connection, SchemaScript script, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
        await ExecuteAsync(connection, transaction, CreateVersionTable, cancellationToken);

        await using (var check = new NpgsqlCommand("SELECT checksum FROM parking_schema_version WHERE version = @version", connection, transaction))
        {
            check.Parameters.AddWithValue("version", script.Version);
            if (await check.ExecuteScalarAsync(cancellationToken) is string checksum)
            {
                // An applied script is never run again; an edited one is reported, not replayed, because
                // schema changes belong in a new script.
                if (!string.Equals(checksum, script.Checksum, StringComparison.Ordinal))
                {
                    LogChecksumChanged(script.Name, checksum, script.Checksum);
                }

                await transaction.CommitAsync(cancellationToken);
                return false;
            }
        }

        await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
        await using (var record = new NpgsqlCommand(
            "INSERT INTO parking_schema_version (version, name, checksum) VALUES (@version, @name, @checksum)", connection, transaction))
        {
            record.Parameters.AddWithValue("version", script.Version);
            record.Parameters.AddWithValue("name", script.Name);
            record.Parameters.AddWithValue("checksum", script.Checksum);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        LogApplied(script.Name, connection.Database);
        return true;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL not usable at start (attempt {Attempt}): {Reason}; trying again in {Delay}")]
    private partial void LogRetrying(int attempt, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "PostgreSQL still not usable after {Attempt} attempts over {Waited}: {Reason}; giving up (Parking:Postgres:StartupRetryLimit)")]
    private partial void LogGaveUp(int attempt, TimeSpan waited, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema script {Script} to database {Database}")]
    private partial void LogApplied(string script, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Database} schema is up to date ({Scripts} scripts)")]
    private partial void LogUpToDate(string database, int scripts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema script {Script} changed after it was applied (applied {Applied}, now {Current}); it is not run again: put changes in a new script")]
    private partial void LogChecksumChanged(string script, string applied, string current);
}
