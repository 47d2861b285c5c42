using Npgsql;
using Parking.Testing;

namespace Parking.Cluster.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server with one database, the silo processes started on it (a cluster through
/// its membership table), the API client, and a log directory with one file per silo.
/// </summary>
public sealed class ClusterHarness : IAsyncDisposable
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private readonly List<SiloProcess> _all = [];
    private int _started;

    private ClusterHarness(PostgresServer postgres, string connectionString, string logDirectory)
    {
        Postgres = postgres;
        ConnectionString = connectionString;
        LogDirectory = logDirectory;
    }

    public PostgresServer Postgres { get; }

    public string ConnectionString { get; }

    public string LogDirectory { get; }

    public ParkingApi Api { get; } = new();

    /// <summary>Every silo started so far, dead or alive, in start order.</summary>
    public IReadOnlyList<SiloProcess> AllSilos => _all;

    public static async Task<ClusterHarness> CreateAsync(string name)
    {
        var postgres = await PostgresServer.StartAsync();
        try
        {
            var connectionString = await postgres.CreateDatabaseAsync("parking");
            var logs = Path.Combine(Path.GetTempPath(), $"parking-cluster-{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
            Directory.CreateDirectory(logs);
            return new ClusterHarness(postgres, connectionString, logs);
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <paramref name="count"/> silo processes at once and waits until each is ready.</summary>
    public async Task<IReadOnlyList<SiloProcess>> StartSilosAsync(int count)
    {
        var silos = Enumerable.Range(0, count)
            .Select(_ => SiloProcess.Start($"silo{Interlocked.Increment(ref _started)}", ConnectionString, LogDirectory))
            .ToList();
        _all.AddRange(silos);
        await Task.WhenAll(silos.Select(s => s.WaitUntilReadyAsync(ReadyTimeout)));
        return silos;
    }

    /// <summary>
    /// The status (Orleans' SiloStatus: 3 active, 6 dead...) of the newest membership row of the silo on
    /// <paramref name="siloPort"/>, as the cluster recorded it in PostgreSQL; null without a row.
    /// </summary>
    public async Task<int?> MembershipStatusAsync(int siloPort)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status FROM orleansmembershiptable WHERE port = @port ORDER BY generation DESC LIMIT 1", connection);
        command.Parameters.AddWithValue("port", siloPort);
        return await command.ExecuteScalarAsync() is int status ? status : null;
    }

    /// <summary>The tails of every silo's log, for a failure message.</summary>
    public string Diagnostics(int lines = 40) =>
        $"Silo logs in {LogDirectory}\n" + string.Join("\n", _all.Select(s => s.Tail(lines)));

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _all)
        {
            await silo.DisposeAsync();
        }

        Api.Dispose();
        await Postgres.DisposeAsync();
    }
}
