using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parking.Domain.History;
using Parking.Grains.History;

namespace Parking.Api.Endpoints;

/// <summary>Staff reports over the reservation history: occupancy per lot per hour, no-show rate, turnover.</summary>
public static class ReportEndpoints
{
    private const string PeriodHelp = "from and to: ISO 8601 instants with an offset, from before to, at most 31 days apart. lot: one lot, or all when left out.";

    public static RouteGroupBuilder MapReportEndpoints(this RouteGroupBuilder compound)
    {
        var reports = compound.MapGroup("/reports").WithTags("Reports").RequireAuthorization(Policies.Staff);
        reports.MapGet("/occupancy", Occupancy)
            .WithSummary("Occupancy per lot per hour (staff)")
            .WithDescription($"Held and occupied space-hours ÷ capacity for every UTC hour meeting [from, to). {PeriodHelp}");
        reports.MapGet("/no-shows", NoShows)
            .WithSummary("No-show rate of the reservations that started in the period (staff)")
            .WithDescription(PeriodHelp);
        reports.MapGet("/turnover", Turnover)
            .WithSummary("Completed stays per space per day and mean stay, per lot (staff)")
            .WithDescription(PeriodHelp);
        return compound;
    }

    public static async Task<Results<Ok<OccupancyReportDto>, ProblemHttpResult>> Occupancy(
        string compoundId, string? from, string? to, string? lot, IGrainFactory grains, IReservationHistory history, CancellationToken cancellationToken)
    {
        var request = await Read(compoundId, from, to, lot, grains, history, cancellationToken);
        if (request.Problem is { } problem)
        {
            return problem;
        }

        var (period, capacities, events) = request.Value!;
        var hours = ReservationReports.Occupancy(events, period, capacities);
        return TypedResults.Ok(new OccupancyReportDto(
            period.From,
            period.To,
            lot,
            [.. hours.Select(h => new LotHourOccupancyDto(h.LotId, h.HourStart, h.Capacity, h.HeldSpaceHours, h.OccupiedSpaceHours, h.HeldShare, h.OccupiedShare))]));
    }

    public static async Task<Results<Ok<NoShowReportDto>, ProblemHttpResult>> NoShows(
        string compoundId, string? from, string? to, string? lot, IGrainFactory grains, IReservationHistory history, CancellationToken cancellationToken)
    {
        var request = await Read(compoundId, from, to, lot, grains, history, cancellationToken);
        if (request.Problem is { } problem)
        {
            return problem;
        }

        var (period, _, events) = request.Value!;
        var r = ReservationReports.NoShows(events, period);
        return TypedResults.Ok(new NoShowReportDto(period.From, period.To, lot, r.Reservations, r.Cancelled, r.Pending, r.Shown, r.NoShows, r.Rate));
    }

    public static async Task<Results<Ok<TurnoverReportDto>, ProblemHttpResult>> Turnover(
        string compoundId, string? from, string? to, string? lot, IGrainFactory grains, IReservationHistory history, CancellationToken cancellationToken)
    {
        var request = await Read(compoundId, from, to, lot, grains, history, cancellationToken);
        if (request.Problem is { } problem)
        {
            return problem;
        }

        var (period, capacities, events) = request.Value!;
        var rows = ReservationReports.Turnover(events, period, capacities)
            .Select(t => new TurnoverRowDto(t.LotId, t.Capacity, t.CompletedStays, t.StaysPerSpacePerDay, t.MeanStay.TotalMinutes))
            .ToList();
        return TypedResults.Ok(new TurnoverReportDto(period.From, period.To, rows[..^1], rows[^1]));
    }

    /// <summary>Checks the query, then reads the lots' capacities and the history that bears on the period.</summary>
    private static async Task<(ReportRequest? Value, ProblemHttpResult? Problem)> Read(
        string compoundId, string? from, string? to, string? lot, IGrainFactory grains, IReservationHistory history, CancellationToken cancellationToken)
    {
        if (ParseInstant("from", from) is { Problem: { } fromProblem })
        {
            return (null, fromProblem);
        }

        if (ParseInstant("to", to) is { Problem: { } toProblem })
        {
            return (null, toProblem);
        }

        var period = new ReportPeriod(ParseInstant("from", from).Value, ParseInstant("to", to).Value);
        if (period.Validate() is { } invalid)
        {
            return (null, Problems.From(invalid));
        }

        var lots = await grains.Compound(compoundId).GetLots();
        if (lot is not null && !lots.Any(l => l.LotId == lot))
        {
            return (null, Problems.Invalid("lot", $"No lot '{lot}' in this compound.", "lot-not-found"));
        }

        var capacities = lots.Where(l => lot is null || l.LotId == lot).ToDictionary(l => l.LotId, l => l.Spaces, StringComparer.Ordinal);
        var events = await history.Query(compoundId, period.From, period.To, lot, cancellationToken);
        return (new ReportRequest(period, capacities, events), null);
    }

    private static (DateTimeOffset Value, ProblemHttpResult? Problem) ParseInstant(string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (default, Problems.Invalid(field, $"{field} is required (ISO 8601 with an offset)."));
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? (value, null)
            : (default, Problems.Invalid(field, $"{field} is not an ISO 8601 instant (for example 2026-11-23T08:00:00+08:00)."));
    }

    private sealed record ReportRequest(ReportPeriod Period, IReadOnlyDictionary<string, int> Capacities, IReadOnlyList<ReservationEvent> Events);
}
