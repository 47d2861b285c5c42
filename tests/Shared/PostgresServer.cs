using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Parking.Testing;

/// <summary>
/// A throwaway PostgreSQL server for tests: initdb into a temporary directory (trust authentication,
/// so no password), start it on a free loopback port with its socket in that directory, and stop and
/// delete it on dispose. Uses the binaries of the Debian/Ubuntu package: PostgreSQL 15 (CI installs it),
/// else the newest installed version, or the directory in PARKING_PG_BIN. initdb and postgres refuse to
/// run as root, so as root they run as the postgres user. Tests run it with fsync off (commits cost
/// nothing); the PostgreSQL benchmark runs it durable, with the server's defaults.
/// Shared by test projects and bench/Parking.Bench.Postgres through a linked source file (tests/Shared).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string DefaultBinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>PARKING_PG_BIN, else PostgreSQL 15, else the newest version the package manager installed.</summary>
    public static string FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable("PARKING_PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }

        if (File.Exists(Path.Combine(DefaultBinDirectory, "initdb")) || !Directory.Exists("/usr/lib/postgresql"))
        {
            return DefaultBinDirectory;
        }

        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var major) ? major : 0)
            .FirstOrDefault() ?? DefaultBinDirectory;
    }

    private readonly string _bin;
    private readonly string _dataDirectory;
    private readonly string? _runAs;
    private readonly bool _durable;
    private readonly int _maxConnections;

    private PostgresServer(string bin, string root, int port, string? runAs, bool durable, int maxConnections)
    {
        _bin = bin;
        _durable = durable;
        _maxConnections = maxConnections;
        Root = root;
        _dataDirectory = Path.Combine(root, "data");
        Port = port;
        _runAs = runAs;
    }

    public string Root { get; }

    public string BinDirectory => _bin;

    /// <summary>The postmaster's process id (from postmaster.pid).</summary>
    public int PostmasterPid =>
        int.Parse(File.ReadLines(Path.Combine(_dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    public int Port { get; }

    /// <summary>Connection string of the maintenance database; see <see cref="CreateDatabaseAsync"/>.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    /// <param name="maxPoolSize">Written into the string only when given, so a silo applies its own configured limit otherwise.</param>
    public string ConnectionString(string database, int? maxPoolSize = null)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
        };
        if (maxPoolSize is { } limit)
        {
            builder.MaxPoolSize = limit;
        }

        return builder.ConnectionString;
    }

    /// <param name="bin">The PostgreSQL binaries; <see cref="FindBinDirectory"/> when null.</param>
    /// <param name="durable">Keep fsync on (the default of a real server) so a commit waits for its WAL flush.</param>
    /// <param name="maxConnections">The server's max_connections: 100 by default, as a freshly installed PostgreSQL, so the tests run the silos against the limit users have.</param>
    public static async Task<PostgresServer> StartAsync(string? bin = null, bool durable = false, int maxConnections = 100)
    {
        bin ??= FindBinDirectory();
        if (!File.Exists(Path.Combine(bin, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL binaries not found in {bin}; install the postgresql package (CI does).");
        }

        var root = Path.Combine(Path.GetTempPath(), "parking-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        if (runAs is not null)
        {
            await RunAsync("chown", ["-R", runAs, root]);
        }

        var server = new PostgresServer(bin, root, FreePorts.Next(), runAs, durable, maxConnections);
        try
        {
            await server.RunPostgresToolAsync("initdb", ["-D", server._dataDirectory, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
            await server.StartServerAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new, empty database (a fresh one per test keeps tests independent).</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>
    /// Stops the server (fast shutdown: open connections are cut) and keeps its data directory, so that
    /// <see cref="RestartAsync"/> brings it back with everything it had: a database outage for tests.
    /// </summary>
    public async Task StopAsync()
    {
        await RunPostgresToolAsync("pg_ctl", ["-D", _dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Starts a server stopped by <see cref="StopAsync"/> again, on the same port and data directory.</summary>
    public Task RestartAsync() => StartServerAsync();

    private Task StartServerAsync() =>
        RunPostgresToolAsync("pg_ctl", [
            "-D", _dataDirectory, "-l", Path.Combine(Root, "server.log"), "-w", "-t", "60",
            "-o", string.Create(CultureInfo.InvariantCulture, $"-k {Root} -h 127.0.0.1 -p {Port}{(_durable ? "" : " -c fsync=off")} -c max_connections={_maxConnections}"),
            "start",
        ]);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
        {
            try
            {
                await RunPostgresToolAsync("pg_ctl", ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already gone; deleting the directory is all that is left to do.
            }
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task RunPostgresToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_bin, tool);
        return _runAs is null ? RunAsync(path, arguments) : RunAsync("runuser", ["-u", _runAs, "--", path, .. arguments]);
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        // pg_ctl start leaves the server running with our pipes inherited: read to the exit, not to EOF.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            var output = (stdout.IsCompleted ? await stdout : "") + (stderr.IsCompleted ? await stderr : "");
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
        }
    }
}
