using Npgsql;
using NpgsqlTypes;

namespace Parking.Storage.History;

/// <summary>
/// Puts a departed person's pseudonym into a history table (schema script 0007): the person is listed in
/// <c>departed_people</c> first, so rows inserted from then on take the pseudonym, then the rows already there are
/// updated (the table's trigger accepts only that change). The table is locked against inserts for the update, so a
/// batch written meanwhile is either updated or pseudonymised as it is inserted.
/// </summary>
internal static class DepartedPeople
{
    public static async Task AnonymiseAsync(string connectionString, string table, string compoundId, string residentId, string pseudonym, CancellationToken cancellationToken)
    {
        await using var connection = await PostgresConnection.OpenAsync(connectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var departed = new NpgsqlCommand(
            "INSERT INTO departed_people (compound_id, resident_id, pseudonym) VALUES ($1, $2, $3) ON CONFLICT (compound_id, resident_id) DO NOTHING",
            connection,
            transaction))
        {
            departed.Parameters.Add(new NpgsqlParameter { Value = compoundId, NpgsqlDbType = NpgsqlDbType.Text });
            departed.Parameters.Add(new NpgsqlParameter { Value = residentId, NpgsqlDbType = NpgsqlDbType.Text });
            departed.Parameters.Add(new NpgsqlParameter { Value = pseudonym, NpgsqlDbType = NpgsqlDbType.Text });
            await departed.ExecuteNonQueryAsync(cancellationToken);
        }

        // The table names come from this assembly's own callers, never from input.
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE", connection, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var update = new NpgsqlCommand(
            $"""
            UPDATE {table} h SET resident_id = d.pseudonym
            FROM departed_people d
            WHERE d.compound_id = $1 AND d.resident_id = $2 AND h.compound_id = d.compound_id AND h.resident_id = d.resident_id
            """,
            connection,
            transaction))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = compoundId, NpgsqlDbType = NpgsqlDbType.Text });
            update.Parameters.Add(new NpgsqlParameter { Value = residentId, NpgsqlDbType = NpgsqlDbType.Text });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>
/// Removes a compound's history rows that lie wholly before its retention cutoff (schema script 0008): the
/// transaction declares the compound and the cutoff, which the table's trigger checks row by row.
/// </summary>
internal static class RetainedHistory
{
    public static async Task<int> ForgetAsync(string connectionString, string table, string condition, string compoundId, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await PostgresConnection.OpenAsync(connectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var declare = new NpgsqlCommand(
            "SELECT set_config('parking.retention_compound', $1, true), set_config('parking.retention_cutoff', $2::timestamptz::text, true)",
            connection,
            transaction))
        {
            declare.Parameters.Add(new NpgsqlParameter { Value = compoundId, NpgsqlDbType = NpgsqlDbType.Text });
            declare.Parameters.Add(new NpgsqlParameter { Value = cutoff.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await declare.ExecuteNonQueryAsync(cancellationToken);
        }

        // The table name and condition come from this assembly's own callers, never from input.
        int removed;
        await using (var delete = new NpgsqlCommand($"DELETE FROM {table} WHERE compound_id = $1 AND {condition}", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = compoundId, NpgsqlDbType = NpgsqlDbType.Text });
            delete.Parameters.Add(new NpgsqlParameter { Value = cutoff.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            removed = await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        // Who left long ago is no longer needed to pseudonymise rows still arriving.
        await using (var departed = new NpgsqlCommand("DELETE FROM departed_people WHERE compound_id = $1 AND departed_at < $2", connection, transaction))
        {
            departed.Parameters.Add(new NpgsqlParameter { Value = compoundId, NpgsqlDbType = NpgsqlDbType.Text });
            departed.Parameters.Add(new NpgsqlParameter { Value = cutoff.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await departed.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return removed;
    }
}
