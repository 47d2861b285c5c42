using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using NpgsqlTypes;
using Parking.Contracts;
using Parking.Domain;
using Parking.Domain.Credits;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;

namespace Parking.Bench.Postgres;

/// <summary>
/// The baseline: what a team without Orleans would write. A minimal ASP.NET Core service with the
/// silo's two routes (same paths, same JWT bearer tokens, same window rules), each request one
/// PostgreSQL round of work: a reservation is one transaction that locks the space's row
/// (SELECT ... FOR UPDATE), then checks for an overlapping held reservation and inserts; a search is one
/// SELECT of the free spaces for the window, nearest to the building first. The booking is charged in the same
/// transaction, by the silo's rule (<see cref="CreditPolicy"/>): the household's account opens with the grant, the
/// price is debited only if the balance covers it (else 409 <c>insufficient-credits</c> and nothing is kept), and the
/// double entry goes to the journal. It runs as a child process
/// of the bench (<c>serve-baseline</c>), so its CPU is measured apart like the silo's.
/// </summary>
internal static class BaselineService
{
    public const string Command = "serve-baseline";
    public const string UrlVariable = "PARKING_BASELINE_URL";
    public const string ConnectionVariable = "PARKING_BASELINE_CONNECTION";
    public const string KeyVariable = "PARKING_BASELINE_SIGNING_KEY";
    public const string GrantVariable = "PARKING_BASELINE_GRANT";

    /// <summary>Opens the household's account with the grant (paid by the compound, in the journal) unless it is open.</summary>
    private const string OpenSql = """
        WITH opened AS (INSERT INTO account (account, balance) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING account)
        INSERT INTO ledger_entry (kind, debit, credit, amount) SELECT 'grant', 'compound', account, $2 FROM opened WHERE $2 > 0
        """;

    /// <summary>Debits the price if the balance covers it (the row stays locked to the end of the transaction); no row: too little.</summary>
    private const string ChargeSql = "UPDATE account SET balance = balance - $2 WHERE account = $1 AND balance >= $2 RETURNING balance";

    private const string JournalSql = "INSERT INTO ledger_entry (kind, debit, credit, amount, reference) VALUES ('booking', $1, 'compound', $2, $3)";

    /// <summary>Locks the space's row (and reads what it costs): concurrent reservations of one space queue here until the holder commits.</summary>
    private const string SpaceSql = "SELECT lot_id, ownership FROM space WHERE space_id = $1 FOR UPDATE";

    private const string SearchSql = """
        SELECT s.space_id, s.lot_id, s.label, s.kind, s.ownership, coalesce(w.meters, 0) + s.walk_offset AS walk
          FROM space s
          LEFT JOIN lot_walk w ON w.lot_id = s.lot_id AND w.building_id = $1
         WHERE ($2::text IS NULL OR s.kind = $2)
           AND NOT EXISTS (SELECT 1 FROM reservation r
                            WHERE r.space_id = s.space_id AND r.during && tstzrange($3, $4) AND r.status = 'reserved')
         ORDER BY walk, s.space_id
         LIMIT $5
        """;


    /// <summary>
    /// The overlap check, a statement of its own after the lock: in READ COMMITTED each statement takes a
    /// new snapshot, so it sees what the previous holder of the lock committed. (Folded into the locking
    /// SELECT as a subquery it would read the snapshot from before the wait, and let double bookings through:
    /// this bench caught exactly that in a first version.)
    /// </summary>
    private const string OverlapSql = """
        SELECT EXISTS (SELECT 1 FROM reservation
                        WHERE space_id = $1 AND during && tstzrange($2, $3) AND status = 'reserved')
        """;

    private const string InsertSql = "INSERT INTO reservation (id, space_id, resident_id, during, plate) VALUES ($1, $2, $3, tstzrange($4, $5), $6)";

    public static async Task<int> RunAsync()
    {
        var url = Environment.GetEnvironmentVariable(UrlVariable) ?? throw new InvalidOperationException($"{UrlVariable} is not set.");
        var connectionString = Environment.GetEnvironmentVariable(ConnectionVariable) ?? throw new InvalidOperationException($"{ConnectionVariable} is not set.");
        var key = Convert.FromBase64String(Environment.GetEnvironmentVariable(KeyVariable) ?? throw new InvalidOperationException($"{KeyVariable} is not set."));

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = "parking-silo",
                    ValidAudience = "parking",
                    IssuerSigningKey = new SymmetricSecurityKey(key),
                    NameClaimType = "sub",
                };
            });
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton(NpgsqlDataSource.Create(connectionString));
        builder.Services.AddSingleton(new ReservationPolicy { MaxActivePerResident = int.MaxValue });
        builder.Services.AddSingleton(new CreditPolicy { Grant = int.Parse(Environment.GetEnvironmentVariable(GrantVariable) ?? "100", System.Globalization.CultureInfo.InvariantCulture) });

        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/health", () => Results.Ok());
        var compound = app.MapGroup("/api/compounds/{compoundId}").RequireAuthorization();
        compound.MapGet("/availability", SearchAsync);
        compound.MapPost("/reservations", ReserveAsync);
        await app.RunAsync();
        return 0;
    }

    private static async Task<IResult> SearchAsync(
        string compoundId, DateTimeOffset? start, DateTimeOffset? end, string? kind, string? nearBuilding, int? limit,
        ClaimsPrincipal user, NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        if (user.FindFirstValue(ParkingClaims.Compound) != compoundId)
        {
            return Results.Problem(statusCode: 403, extensions: Code("wrong-compound"));
        }

        if (start is null || end is null || end <= start || limit is < 1 or > 100)
        {
            return Results.Problem(statusCode: 400, extensions: Code("invalid"));
        }

        await using var command = database.CreateCommand(SearchSql);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = nearBuilding ?? user.FindFirstValue(ParkingClaims.Building), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = kind?.ToLowerInvariant(), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = start.Value.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = end.Value.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit ?? 20 });
        var spaces = new List<AvailableSpaceDto>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                spaces.Add(new AvailableSpaceDto(
                    reader.GetString(1), reader.GetString(0), reader.GetString(2),
                    Enum.Parse<SpaceKindDto>(reader.GetString(3), ignoreCase: true), Enum.Parse<SpaceOwnershipDto>(reader.GetString(4), ignoreCase: true), reader.GetInt32(5)));
            }
        }

        var kindAsked = kind is null ? (SpaceKindDto?)null : Enum.Parse<SpaceKindDto>(kind, ignoreCase: true);
        return Results.Ok(new AvailabilityResultDto(start.Value, end.Value, kindAsked, nearBuilding, spaces));
    }

    private static async Task<IResult> ReserveAsync(
        string compoundId, ReserveRequest body, ClaimsPrincipal user, NpgsqlDataSource database, ReservationPolicy policy, CreditPolicy credits, CancellationToken cancellationToken)
    {
        if (user.FindFirstValue(ParkingClaims.Compound) != compoundId)
        {
            return Results.Problem(statusCode: 403, extensions: Code("wrong-compound"));
        }

        var residentId = user.FindFirstValue("sub");
        var household = user.FindFirstValue(ParkingClaims.Household);
        if (user.FindFirstValue("role") != "resident" || residentId is null || household is null)
        {
            return Results.Problem(statusCode: 403, extensions: Code("residents-only"));
        }

        if (body.SpaceId is null || body.Start is null || body.End is null)
        {
            return Results.Problem(statusCode: 400, extensions: Code("invalid"));
        }

        var window = new TimeWindow(body.Start.Value, body.End.Value);
        var now = DateTimeOffset.UtcNow;
        if (policy.Validate(window, now) is { } error)
        {
            return Results.Problem(statusCode: 400, detail: error.ToString(), extensions: Code("invalid-window"));
        }

        var id = Guid.NewGuid();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string lotId;
        SpaceOwnership ownership;
        await using (var lockSpace = new NpgsqlCommand(SpaceSql, connection, transaction))
        {
            lockSpace.Parameters.Add(new NpgsqlParameter<string> { TypedValue = body.SpaceId, NpgsqlDbType = NpgsqlDbType.Text });
            await using var reader = await lockSpace.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return Results.Problem(statusCode: 404, extensions: Code("space-not-found"));
            }

            lotId = reader.GetString(0);
            ownership = Enum.Parse<SpaceOwnership>(reader.GetString(1), ignoreCase: true);
        }

        await using (var overlap = new NpgsqlCommand(OverlapSql, connection, transaction))
        {
            overlap.Parameters.Add(new NpgsqlParameter<string> { TypedValue = body.SpaceId, NpgsqlDbType = NpgsqlDbType.Text });
            overlap.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = window.Start.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            overlap.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = window.End.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            if (await overlap.ExecuteScalarAsync(cancellationToken) is true)
            {
                await transaction.RollbackAsync(cancellationToken);
                return Results.Problem(statusCode: 409, extensions: Code("space-taken"));
            }
        }

        if (!await ChargeAsync(connection, transaction, Accounts.Household(household), credits.Price(ownership, window), credits.Grant, id.ToString(), cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return Results.Problem(statusCode: 409, extensions: Code("insufficient-credits"));
        }

        await using (var insert = new NpgsqlCommand(InsertSql, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = body.SpaceId, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = residentId, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = window.Start.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = window.End.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = body.Plate, NpgsqlDbType = NpgsqlDbType.Text });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        var reservation = new ReservationDto(
            id.ToString(), compoundId, lotId, body.SpaceId, residentId, body.Plate, window.Start, window.End, ReservationStatusDto.Reserved, now, null, null, 1);
        return Results.Created($"/api/compounds/{compoundId}/reservations/{id}", reservation);
    }

    /// <summary>Opens the account if new, then debits the price and journals it; false (nothing charged) when the balance is too low.</summary>
    private static async Task<bool> ChargeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string account, long price, long grant, string reference, CancellationToken cancellationToken)
    {
        await using (var open = new NpgsqlCommand(OpenSql, connection, transaction))
        {
            open.Parameters.Add(new NpgsqlParameter<string> { TypedValue = account, NpgsqlDbType = NpgsqlDbType.Text });
            open.Parameters.Add(new NpgsqlParameter<long> { TypedValue = grant });
            await open.ExecuteNonQueryAsync(cancellationToken);
        }

        if (price <= 0)
        {
            return true;
        }

        await using (var charge = new NpgsqlCommand(ChargeSql, connection, transaction))
        {
            charge.Parameters.Add(new NpgsqlParameter<string> { TypedValue = account, NpgsqlDbType = NpgsqlDbType.Text });
            charge.Parameters.Add(new NpgsqlParameter<long> { TypedValue = price });
            if (await charge.ExecuteScalarAsync(cancellationToken) is null)
            {
                return false;
            }
        }

        await using var journal = new NpgsqlCommand(JournalSql, connection, transaction);
        journal.Parameters.Add(new NpgsqlParameter<string> { TypedValue = account, NpgsqlDbType = NpgsqlDbType.Text });
        journal.Parameters.Add(new NpgsqlParameter<long> { TypedValue = price });
        journal.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reference, NpgsqlDbType = NpgsqlDbType.Text });
        await journal.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    private static Dictionary<string, object?> Code(string code) => new(StringComparer.Ordinal) { ["code"] = code };
}
