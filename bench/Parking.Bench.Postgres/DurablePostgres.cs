using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Parking.Bench.Postgres;

/// <summary>
/// A throwaway PostgreSQL for the benchmark, like tests/Shared/PostgresServer.cs but durable: that one
/// starts with fsync=off (fine for tests), which would make every commit free. Here fsync and
/// synchronous_commit keep their defaults (on), so a commit waits for its WAL flush. initdb into a
/// temporary directory (trust authentication), a free loopback port, stopped and deleted on dispose;
/// as root the server runs as the postgres user (it refuses root).
/// </summary>
internal sealed class DurablePostgres : IAsyncDisposable
{
    private const string DefaultBinDirectory = "/usr/lib/postgresql/15/bin";

    private readonly string _dataDirectory;
    private readonly string? _runAs;

    private DurablePostgres(string bin, string root, int port, string? runAs)
    {
        BinDirectory = bin;
        Root = root;
        _dataDirectory = Path.Combine(root, "data");
        Port = port;
        _runAs = runAs;
    }

    public string BinDirectory { get; }

    public string Root { get; }

    public int Port { get; }

    public string ConnectionString(string database, int maxPoolSize = 100) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
            MaxPoolSize = maxPoolSize,
        }.ConnectionString;

    /// <summary>The postmaster's process id (from postmaster.pid), for the CPU split.</summary>
    public int PostmasterPid =>
        int.Parse(File.ReadLines(Path.Combine(_dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    /// <summary>PARKING_PG_BIN, else PostgreSQL 15, else the newest version installed under /usr/lib/postgresql.</summary>
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

    public static async Task<DurablePostgres> StartAsync(int maxConnections)
    {
        var bin = FindBinDirectory();
        if (!File.Exists(Path.Combine(bin, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL binaries not found in {bin}; install the postgresql package or set PARKING_PG_BIN.");
        }

        var root = Path.Combine(Path.GetTempPath(), "parking-bench-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        if (runAs is not null)
        {
            await RunAsync("chown", ["-R", runAs, root]);
        }

        var server = new DurablePostgres(bin, root, FreePort(), runAs);
        try
        {
            await server.RunToolAsync("initdb", ["-D", server._dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
            await server.RunToolAsync("pg_ctl", [
                "-D", server._dataDirectory, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60",
                "-o", string.Create(CultureInfo.InvariantCulture, $"-k {root} -h 127.0.0.1 -p {server.Port} -c max_connections={maxConnections}"),
                "start",
            ]);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The settings that decide what a commit costs, as the server reports them.</summary>
    public async Task<string> DurabilitySettingsAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
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

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
        {
            try
            {
                await RunToolAsync("pg_ctl", ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"]);
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

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(BinDirectory, tool);
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>CPU time of the PostgreSQL server: the postmaster and every backend it forked (Linux /proc).</summary>
internal sealed class PostgresCpu(int postmasterPid)
{
    /// <summary>Clock ticks per second of /proc/*/stat (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>CPU time so far: live processes, plus what exited backends left in the postmaster's children's time.</summary>
    public TimeSpan Read()
    {
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var pid = int.Parse(name, CultureInfo.InvariantCulture);
            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (pid == postmasterPid)
            {
                ticks += Sum(fields, 11, 4);
            }
            else if (parent == postmasterPid)
            {
                ticks += Sum(fields, 11, 2);
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    private static long Sum(string[] fields, int first, int count)
    {
        long sum = 0;
        for (var i = first; i < first + count; i++)
        {
            sum += long.Parse(fields[i], CultureInfo.InvariantCulture);
        }

        return sum;
    }
}
