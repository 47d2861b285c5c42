using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Parking.Testing;

namespace Parking.Bench.Postgres;

/// <summary>One measurement of the server's single-row durable write rate.</summary>
internal sealed record CeilingResult(string Tool, double CommitsPerSecond, double LatencyMs, double PostgresCpu, CpuUse Cpu);

/// <summary>
/// The server's ceiling for a single-row durable write: N clients each committing one INSERT after
/// another (autocommit, so one WAL flush per commit, shared by group commit). With pgbench (C, one
/// thread per core) when installed next to the server, and with the bench's own Npgsql loop.
/// </summary>
internal static partial class WriteCeiling
{
    public const string Database = "ceiling";
    private const string Insert = "INSERT INTO ceiling_write (payload) VALUES ('reservation-sized row of about forty bytes')";

    public static async Task PrepareAsync(PostgresServer server)
    {
        await server.CreateDatabaseAsync(Database);
        await using var connection = new NpgsqlConnection(server.ConnectionString(Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "CREATE TABLE ceiling_write (id bigserial PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static string? PgbenchPath(PostgresServer server)
    {
        var path = Path.Combine(server.BinDirectory, "pgbench");
        return File.Exists(path) ? path : null;
    }

    /// <summary>pgbench -n -M prepared with a one-statement script: every transaction is one INSERT and its commit.</summary>
    public static async Task<CeilingResult> PgbenchAsync(PostgresServer server, string pgbench, int clients, TimeSpan duration, PostgresCpu postgres, CancellationToken cancellationToken)
    {
        var script = Path.Combine(server.Root, "insert.sql");
        await File.WriteAllTextAsync(script, Insert + ";\n", cancellationToken);
        var start = new ProcessStartInfo(pgbench)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-n", "-M", "prepared",
            "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            "-T", Math.Max(1, (int)Math.Round(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture), "-f", script, Database,
        })
        {
            start.ArgumentList.Add(argument);
        }

        var pgBefore = postgres.Read();
        var before = CpuSample.Take(null);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start pgbench.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(duration + TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
        }

        var after = CpuSample.Take(null);
        var pgShare = Share(postgres.Read() - pgBefore, after.Wall - before.Wall);
        var output = await stdout + await stderr;
        var tps = TpsPattern().Match(output);
        var latency = LatencyPattern().Match(output);
        if (process.ExitCode != 0 || !tps.Success)
        {
            throw new InvalidOperationException($"pgbench failed (exit {process.ExitCode}): {output}");
        }

        // pgbench's own CPU is the "client" here; it has exited, so take it as everything busy less PostgreSQL.
        var machine = CpuSample.Between(before, after);
        var cpu = new CpuUse(Math.Max(0, machine.Machine - pgShare), double.NaN, machine.Machine);
        return new CeilingResult(
            "pgbench",
            double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
            latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN,
            pgShare,
            cpu);
    }

    /// <summary>The same with Npgsql: one connection per worker, the prepared INSERT in autocommit, in the closed loop of the HTTP bench.</summary>
    public static async Task<CeilingResult> NpgsqlLoopAsync(PostgresServer server, int clients, TimeSpan duration, PostgresCpu postgres, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString(Database, maxPoolSize: clients));
        var connections = new NpgsqlConnection[clients];
        var commands = new NpgsqlCommand[clients];
        try
        {
            for (var i = 0; i < clients; i++)
            {
                connections[i] = await dataSource.OpenConnectionAsync(cancellationToken);
                commands[i] = new NpgsqlCommand(Insert, connections[i]);
                await commands[i].PrepareAsync(cancellationToken);
            }

            var pgBefore = postgres.Read();
            var clock = Stopwatch.StartNew();
            var load = await ClosedLoop.RunAsync(
                clients,
                duration,
                null,
                async (worker, ct) =>
                {
                    try
                    {
                        await commands[worker].ExecuteNonQueryAsync(ct);
                        return new Attempt(RequestOutcome.Ok);
                    }
                    catch (NpgsqlException exception)
                    {
                        return new Attempt(RequestOutcome.Failed, exception.SqlState ?? exception.GetType().Name);
                    }
                },
                cancellationToken);
            var pgShare = Share(postgres.Read() - pgBefore, clock.Elapsed);
            return new CeilingResult("Npgsql loop", load.OkPerSecond, load.Latency.Mean, pgShare, load.Cpu);
        }
        finally
        {
            foreach (var command in commands)
            {
                if (command is not null)
                {
                    await command.DisposeAsync();
                }
            }

            foreach (var connection in connections)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }
        }
    }

    /// <summary>A CPU time as a share of all the machine's cores over the wall time.</summary>
    public static double Share(TimeSpan cpu, TimeSpan wall) =>
        wall > TimeSpan.Zero ? cpu.TotalSeconds / (wall.TotalSeconds * Environment.ProcessorCount) : double.NaN;

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsPattern();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex LatencyPattern();
}
