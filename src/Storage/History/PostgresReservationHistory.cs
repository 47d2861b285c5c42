using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Parking.Domain;
using Parking.Domain.History;
using Parking.Grains.History;

namespace Parking.Storage.History;

/// <summary>How the PostgreSQL history writer batches and how much it keeps while the database is away.</summary>
public sealed class ReservationHistoryOptions
{
    public const string SectionName = "Parking:History";

    /// <summary>Events waiting to be written, at most; beyond it new events are dropped (and logged), never waited for.</summary>
    public int QueueCapacity { get; set; } = 200_000;

    /// <summary>Rows per COPY.</summary>
    public int BatchSize { get; set; } = 2_000;

    /// <summary>The first wait after a failed write; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The production history: space grains hand events to a bounded in-memory queue and go on; this
/// background service writes them in batches to the append-only table <c>reservation_history</c>
/// (schema script 0005) with binary COPY. When the database fails it keeps the batch and retries with
/// backoff while the queue absorbs new events; only when the queue is full are events dropped, counted
/// and logged, because a grain must never wait for the history.
/// </summary>
public sealed partial class PostgresReservationHistory : BackgroundService, IReservationHistory
{
    private const string Columns = "at, compound_id, lot_id, space_id, reservation_id, resident_id, kind, window_start, window_end, checked_in_at, ended_at, revision";

    private readonly string _connectionString;
    private readonly ReservationHistoryOptions _options;
    private readonly ILogger<PostgresReservationHistory> _logger;
    private readonly Channel<ReservationEvent> _queue;
    private long _accepted;
    private long _written;
    private long _dropped;

    public PostgresReservationHistory(string connectionString, ReservationHistoryOptions options, ILogger<PostgresReservationHistory> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
        _options = options;
        _logger = logger;
        _queue = Channel.CreateBounded<ReservationEvent>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Events written to the table so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Append(ReservationEvent reservationEvent)
    {
        // With FullMode.Wait, TryWrite refuses at once when the queue is full instead of waiting.
        if (_queue.Writer.TryWrite(reservationEvent))
        {
            Interlocked.Increment(ref _accepted);
            return;
        }

        var dropped = Interlocked.Increment(ref _dropped);
        if (dropped == 1 || dropped % 10_000 == 0)
        {
            LogDropped(dropped, _options.QueueCapacity);
        }
    }

    /// <summary>Waits until every event accepted before the call is in the table.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref _accepted);
        while (Interlocked.Read(ref _written) < target)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    public Task Anonymise(string compoundId, string residentId, string pseudonym, CancellationToken cancellationToken = default) =>
        DepartedPeople.AnonymiseAsync(_connectionString, "reservation_history", compoundId, residentId, pseudonym, cancellationToken);

    public Task<int> Forget(string compoundId, DateTimeOffset cutoff, CancellationToken cancellationToken = default) =>
        RetainedHistory.ForgetAsync(_connectionString, "reservation_history", "at < $2 AND window_end < $2", compoundId, cutoff, cancellationToken);

    public async Task<IReadOnlyList<ReservationEvent>> Query(string compoundId, DateTimeOffset from, DateTimeOffset to, string? lotId, CancellationToken cancellationToken = default)
    {
        // The same filter as ReservationEvent.BearsOn, so both stores answer alike.
        await using var connection = await PostgresConnection.OpenAsync(_connectionString, cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns}
            FROM reservation_history
            WHERE compound_id = $1 AND ($2::text IS NULL OR lot_id = $2)
              AND window_start < $3 AND (window_end > $4 OR ended_at > $4)
            ORDER BY id
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = compoundId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)lotId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (to + ReservationEvent.EarlyArrivalMargin).ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = from.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });

        var events = new List<ReservationEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new ReservationEvent(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                Enum.Parse<ReservationEventKind>(reader.GetString(6), ignoreCase: true),
                new TimeWindow(reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8)),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                reader.GetInt32(11)));
        }

        return events;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<ReservationEvent>(_options.BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                Fill(batch);
                await WriteWithRetryAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: one last attempt, below, for what is still queued.
        }

        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            do
            {
                await WriteAsync(batch, last.Token);
                batch.Clear();
                Fill(batch);
            }
            while (batch.Count > 0);
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            LogLostAtShutdown(exception, batch.Count + _queue.Reader.Count);
        }
    }

    private void Fill(List<ReservationEvent> batch)
    {
        while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var next))
        {
            batch.Add(next);
        }
    }

    private async Task WriteWithRetryAsync(List<ReservationEvent> batch, CancellationToken stoppingToken)
    {
        var delay = _options.FirstRetryDelay;
        var failures = 0;
        while (true)
        {
            try
            {
                await WriteAsync(batch, stoppingToken);
                if (failures > 0)
                {
                    LogRecovered(failures);
                }

                batch.Clear();
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or IOException)
            {
                // The batch stays in memory and new events wait in the queue; nothing is lost until it is full.
                failures++;
                LogWriteFailed(exception, batch.Count, _queue.Reader.Count, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }
    }

    private async Task WriteAsync(List<ReservationEvent> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await using var connection = await PostgresConnection.OpenAsync(_connectionString, cancellationToken);
        await using (var importer = await connection.BeginBinaryImportAsync($"COPY reservation_history ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var e in batch)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(e.At.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                await importer.WriteAsync(e.CompoundId, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(e.LotId, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(e.SpaceId, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(e.ReservationId, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(e.ResidentId, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(JsonNamingPolicy.CamelCase.ConvertName(e.Kind.ToString()), NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(e.Window.Start.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                await importer.WriteAsync(e.Window.End.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                await WriteInstantAsync(importer, e.CheckedInAt, cancellationToken);
                await WriteInstantAsync(importer, e.EndedAt, cancellationToken);
                await importer.WriteAsync(e.Revision, NpgsqlDbType.Integer, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        Interlocked.Add(ref _written, batch.Count);
    }

    private static async Task WriteInstantAsync(NpgsqlBinaryImporter importer, DateTimeOffset? instant, CancellationToken cancellationToken)
    {
        if (instant is { } value)
        {
            await importer.WriteAsync(value.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reservation history queue is full ({Capacity} events): {Dropped} event(s) dropped so far")]
    private partial void LogDropped(long dropped, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write {Count} history event(s) ({Queued} more queued); retrying in {Delay}")]
    private partial void LogWriteFailed(Exception exception, int count, int queued, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reservation history writes again after {Failures} failed attempt(s)")]
    private partial void LogRecovered(int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "The host stopped before {Count} history event(s) could be written")]
    private partial void LogLostAtShutdown(Exception exception, int count);
}
