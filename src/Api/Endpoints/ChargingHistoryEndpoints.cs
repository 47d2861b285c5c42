using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Domain.Charging;
using Parking.Domain.History;
using Parking.Domain.Sharing;
using Parking.Grains.Charging;
using Parking.Grains.History;

namespace Parking.Api.Endpoints;

/// <summary>
/// Metered charging sessions from the history: a driver's own sessions with energy and cost, staff's energy per
/// charger and area, and the compound's time-of-use tariff that prices them.
/// </summary>
public static class ChargingHistoryEndpoints
{
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    public static RouteGroupBuilder MapChargingHistoryEndpoints(this RouteGroupBuilder compound)
    {
        var charging = compound.MapGroup("/charging").WithTags("Charging");
        charging.MapGet("/sessions/mine", Mine)
            .WithSummary("My metered charging sessions: energy and cost, newest first")
            .WithDescription("from and to (optional, ISO 8601): sessions started in [from, to); by default the last 90 days. At most 200.");
        charging.MapGet("/energy", Energy)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Energy and cost per charger and per area over a period (staff)")
            .WithDescription("from and to (optional, ISO 8601): sessions started in [from, to), at most 366 days; by default the last 30 days.");
        charging.MapGet("/tariff", Tariff).WithSummary("The compound's time-of-use tariff for charging");
        charging.MapPut("/tariff", SetTariff)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Set the compound's time-of-use tariff (staff); sessions that stop from now on are priced with it");
        return compound;
    }

    public static async Task<Results<Ok<ChargingSessionDto[]>, ProblemHttpResult>> Mine(
        string compoundId, string? from, string? to, HttpContext http, IChargingHistory history, ParkingClock time, CancellationToken cancellationToken)
    {
        var period = Period(from, to, time.GetUtcNow(), TimeSpan.FromDays(90));
        if (period.Problem is { } problem)
        {
            return problem;
        }

        var sessions = await history.Query(new ChargingSessionQuery(compoundId, period.From, period.To, ResidentId: http.CurrentUser().UserId, Limit: 200), cancellationToken);
        return TypedResults.Ok(sessions.Select(ToDto).ToArray());
    }

    public static async Task<Results<Ok<ChargingEnergyDto>, ProblemHttpResult>> Energy(
        string compoundId, string? from, string? to, IChargingHistory history, IGrainFactory grains, ParkingClock time, CancellationToken cancellationToken)
    {
        var period = Period(from, to, time.GetUtcNow(), TimeSpan.FromDays(30));
        if (period.Problem is { } problem)
        {
            return problem;
        }

        var sessions = await history.Query(new ChargingSessionQuery(compoundId, period.From, period.To, Limit: int.MaxValue), cancellationToken);
        var (chargers, areas) = ChargingEnergyReport.Of(sessions);
        var currency = sessions.Count > 0 ? sessions[0].Cost.Currency : (await grains.ChargingTariff(compoundId).Get()).Currency;
        return TypedResults.Ok(new ChargingEnergyDto(
            period.From,
            period.To,
            currency,
            [.. chargers.Select(ToDto)],
            [.. areas.Select(ToDto)]));
    }

    public static async Task<Ok<ChargingTariffDto>> Tariff(string compoundId, IGrainFactory grains, IOptions<SharingPolicy> sharing) =>
        TypedResults.Ok(ToDto(await grains.ChargingTariff(compoundId).Get(), sharing.Value.UtcOffset));

    public static async Task<Results<Ok<ChargingTariffDto>, ProblemHttpResult>> SetTariff(
        string compoundId, ChargingTariffBody? body, IGrainFactory grains, IOptions<SharingPolicy> sharing)
    {
        if (body is null)
        {
            return Problems.Invalid("body", "A tariff is required: { currency, peakPrice, flatPrice, valleyPrice, bands: [{ from: \"HH:mm\", level }] }.", "tariff-invalid");
        }

        foreach (var (field, price) in new[] { ("peakPrice", body.PeakPrice), ("flatPrice", body.FlatPrice), ("valleyPrice", body.ValleyPrice) })
        {
            if (price is null)
            {
                return Problems.Invalid(field, $"{field} is required (a price per kWh).", "tariff-invalid");
            }
        }

        var bands = new List<TariffBand>();
        for (var i = 0; i < (body.Bands?.Length ?? 0); i++)
        {
            var band = body.Bands![i];
            if (!TimeOnly.TryParseExact(band.From, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
            {
                return Problems.Invalid($"bands[{i}].from", "from is a time of day HH:mm (compound local time).", "tariff-invalid");
            }

            if (!Enum.TryParse<TariffLevel>(band.Level, ignoreCase: true, out var level) || int.TryParse(band.Level, out _))
            {
                return Problems.Invalid($"bands[{i}].level", "level is peak, flat or valley.", "tariff-invalid");
            }

            bands.Add(new TariffBand(start, level));
        }

        var tariff = new TimeOfUseTariff(body.Currency ?? string.Empty, body.PeakPrice!.Value, body.FlatPrice!.Value, body.ValleyPrice!.Value, bands);
        var outcome = await grains.ChargingTariff(compoundId).Set(tariff);
        return outcome.Value is { } set ? TypedResults.Ok(ToDto(set, sharing.Value.UtcOffset)) : Problems.From(outcome.Error!);
    }

    private static (DateTimeOffset From, DateTimeOffset To, ProblemHttpResult? Problem) Period(string? from, string? to, DateTimeOffset now, TimeSpan back)
    {
        var end = now.AddMinutes(1);
        if (to is not null && !DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out end))
        {
            return (default, default, Problems.Invalid("to", "to is an ISO 8601 instant (for example 2026-11-23T08:00:00+08:00)."));
        }

        var start = end - back;
        if (from is not null && !DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start))
        {
            return (default, default, Problems.Invalid("from", "from is an ISO 8601 instant (for example 2026-11-01T00:00:00+08:00)."));
        }

        if (start >= end)
        {
            return (default, default, Problems.Invalid("from", "from is before to.", "period-invalid"));
        }

        return end - start > MaxPeriod
            ? (default, default, Problems.Invalid("from", "A period is at most 366 days.", "period-too-long"))
            : (start, end, null);
    }

    internal static ChargingSessionDto ToDto(ChargingSessionRecord s) => new(
        s.AreaId,
        s.ChargerId,
        s.TransactionId,
        s.RequestId,
        s.ResidentId,
        s.StartedAt,
        s.StoppedAt,
        s.EnergyKwh,
        s.Cost.PeakKwh,
        s.Cost.FlatKwh,
        s.Cost.ValleyKwh,
        s.Cost.Amount,
        s.Cost.Currency,
        s.StopReason);

    private static ChargingEnergyTotalDto ToDto(ChargingEnergyReport.Total t) => new(t.Id, t.AreaId, t.Sessions, t.EnergyKwh, t.Amount);

    private static ChargingTariffDto ToDto(TimeOfUseTariff t, TimeSpan utcOffset) => new(
        t.Currency,
        t.PeakPrice,
        t.FlatPrice,
        t.ValleyPrice,
        [.. t.Bands.Select(b => new TariffBandDto(b.From.ToString("HH:mm", CultureInfo.InvariantCulture), b.Level.ToDto()))],
        (utcOffset < TimeSpan.Zero ? "-" : "+") + utcOffset.ToString(@"hh\:mm", CultureInfo.InvariantCulture));
}
