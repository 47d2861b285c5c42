using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Parking.Domain.Charging;
using Parking.Domain.History;
using Parking.Grains.History;

namespace Parking.Storage.History;

/// <summary>
/// The production charging history: charge point grains hand stopped sessions to a bounded queue and go on; this
/// background service inserts them in batches into <c>charging_session_history</c> (schema script 0006), retrying
/// with backoff while the database is away. A batch retried after a commit whose answer was lost is ignored by the
/// table's unique key. Sessions are few (one per car per charge), so plain INSERTs suffice.
/// </summary>
public sealed partial class PostgresChargingHistory : BackgroundService, IChargingHistory
{
    private const string Columns = "compound_id, area_id, charger_id, transaction_id, resident_id, request_id, started_at, stopped_at, meter_start_wh, meter_stop_wh, stop_reason, peak_kwh, flat_kwh, valley_kwh, amount, currency";

    private readonly string _connectionString;
    private readonly ReservationHistoryOptions _options;
    private readonly ILogger<PostgresChargingHistory> _logger;
    private readonly Channel<ChargingSessionRecord> _queue;
    private long _accepted;
    private long _written;

    public PostgresChargingHistory(string connectionString, ReservationHistoryOptions options, ILogger<PostgresChargingHistory> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
        _options = options;
        _logger = logger;
        _queue = Channel.CreateBounded<ChargingSessionRecord>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    public void Append(ChargingSessionRecord session)
    {
        if (_queue.Writer.TryWrite(session))
        {
            Interlocked.Increment(ref _accepted);
            return;
        }

        LogDropped(session.CompoundId, session.ChargerId, session.TransactionId);
    }

    /// <summary>Waits until every session accepted before the call is in the table.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref _accepted);
        while (Interlocked.Read(ref _written) < target)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    public Task Anonymise(string compoundId, string residentId, string pseudonym, CancellationToken cancellationToken = default) =>
        DepartedPeople.AnonymiseAsync(_connectionString, "charging_session_history", compoundId, residentId, pseudonym, cancellationToken);

    public Task<int> Forget(string compoundId, DateTimeOffset cutoff, CancellationToken cancellationToken = default) =>
        RetainedHistory.ForgetAsync(_connectionString, "charging_session_history", "stopped_at < $2", compoundId, cutoff, cancellationToken);

    public async Task<IReadOnlyList<ChargingSessionRecord>> Query(ChargingSessionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await PostgresConnection.OpenAsync(_connectionString, cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns}
            FROM charging_session_history
            WHERE compound_id = $1 AND started_at >= $2 AND started_at < $3
              AND ($4::text IS NULL OR resident_id = $4)
              AND ($5::text IS NULL OR charger_id = $5)
              AND ($6::text IS NULL OR area_id = $6)
            ORDER BY started_at DESC, charger_id
            LIMIT $7
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = query.CompoundId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = query.From.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = query.To.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.ResidentId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.ChargerId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.AreaId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = query.Limit, NpgsqlDbType = NpgsqlDbType.Integer });

        var sessions = new List<ChargingSessionRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sessions.Add(new ChargingSessionRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetFieldValue<DateTimeOffset>(7),
                reader.GetInt64(8),
                reader.GetInt64(9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                new SessionCost(reader.GetDouble(11), reader.GetDouble(12), reader.GetDouble(13), reader.GetDecimal(14), reader.GetString(15))));
        }

        return sessions;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<ChargingSessionRecord>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                Fill(batch);
                var delay = _options.FirstRetryDelay;
                while (true)
                {
                    try
                    {
                        await WriteAsync(batch, stoppingToken);
                        batch.Clear();
                        break;
                    }
                    catch (Exception exception) when (exception is NpgsqlException or TimeoutException or IOException)
                    {
                        LogWriteFailed(exception, batch.Count, delay);
                        await Task.Delay(delay, stoppingToken);
                        delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: one last attempt, below, for what is still queued.
        }

        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            Fill(batch);
            await WriteAsync(batch, last.Token);
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            LogLostAtShutdown(exception, batch.Count);
        }
    }

    private void Fill(List<ChargingSessionRecord> batch)
    {
        while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var next))
        {
            batch.Add(next);
        }
    }

    private async Task WriteAsync(List<ChargingSessionRecord> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await using var connection = await PostgresConnection.OpenAsync(_connectionString, cancellationToken);
        await using var npgsqlBatch = new NpgsqlBatch(connection);
        foreach (var s in batch)
        {
            var command = new NpgsqlBatchCommand($"INSERT INTO charging_session_history ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING");
            command.Parameters.Add(new NpgsqlParameter { Value = s.CompoundId, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = s.AreaId, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = s.ChargerId, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = s.TransactionId, NpgsqlDbType = NpgsqlDbType.Integer });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)s.ResidentId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)s.RequestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = s.StartedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = s.StoppedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = s.MeterStartWh, NpgsqlDbType = NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter { Value = s.MeterStopWh, NpgsqlDbType = NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)s.StopReason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = s.Cost.PeakKwh, NpgsqlDbType = NpgsqlDbType.Double });
            command.Parameters.Add(new NpgsqlParameter { Value = s.Cost.FlatKwh, NpgsqlDbType = NpgsqlDbType.Double });
            command.Parameters.Add(new NpgsqlParameter { Value = s.Cost.ValleyKwh, NpgsqlDbType = NpgsqlDbType.Double });
            command.Parameters.Add(new NpgsqlParameter { Value = s.Cost.Amount, NpgsqlDbType = NpgsqlDbType.Numeric });
            command.Parameters.Add(new NpgsqlParameter { Value = s.Cost.Currency, NpgsqlDbType = NpgsqlDbType.Text });
            npgsqlBatch.BatchCommands.Add(command);
        }

        await npgsqlBatch.ExecuteNonQueryAsync(cancellationToken);
        Interlocked.Add(ref _written, batch.Count);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Charging history queue is full: session {CompoundId}/{ChargerId} transaction {TransactionId} dropped")]
    private partial void LogDropped(string compoundId, string chargerId, int transactionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write {Count} charging session(s); retrying in {Delay}")]
    private partial void LogWriteFailed(Exception exception, int count, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "The host stopped before {Count} charging session(s) could be written")]
    private partial void LogLostAtShutdown(Exception exception, int count);
}
