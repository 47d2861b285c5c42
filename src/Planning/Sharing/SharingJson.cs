using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Sharing;

namespace Parking.Planning.Sharing;

/// <summary>
/// The instance file of <c>plan sharing</c> (documented in docs/planning-sharing.md) and its result file.
/// Windows are given explicitly, as weekly patterns, or both.
/// </summary>
public static class SharingJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public sealed record WindowDto(DateTimeOffset Start, DateTimeOffset End);

    /// <summary>Every <see cref="Days"/> from <see cref="From"/> to <see cref="To"/> (dates, both included), <see cref="Start"/>–<see cref="End"/> ("HH:mm"); an end at or before the start is the next morning.</summary>
    public sealed record WeeklyDto(string From, string To, IReadOnlyList<string> Days, string Start, string End);

    public sealed record SupplyDto(
        string SpaceId,
        string LotId,
        SpaceKind Kind = SpaceKind.Standard,
        SpaceOwnership Ownership = SpaceOwnership.Private,
        int WalkOffsetMeters = 0,
        IReadOnlyList<WindowDto>? Windows = null,
        IReadOnlyList<WeeklyDto>? Weekly = null);

    public sealed record RequestDto(
        string Id,
        string HouseholdId,
        string? DriverId = null,
        SpaceKind Kind = SpaceKind.Standard,
        string? PreferredBuildingId = null,
        IReadOnlyList<WindowDto>? Windows = null,
        IReadOnlyList<WeeklyDto>? Weekly = null);

    public sealed record InstanceDto(
        IReadOnlyDictionary<string, Dictionary<string, int>> Lots,
        IReadOnlyList<SupplyDto> Supply,
        IReadOnlyList<RequestDto> Requests,
        string UtcOffset = "+00:00",
        IReadOnlyDictionary<string, double>? HouseholdWeights = null);

    public sealed record ResultDto(
        string Algorithm,
        string Status,
        double SolveSeconds,
        SharingMetrics Metrics,
        SharingMetrics GreedyBaseline,
        IReadOnlyList<SharingAssignment> Assignments,
        IReadOnlyList<string> UnservedRequestIds);

    /// <summary>Reads an instance file; a <see cref="FormatException"/> names what is wrong and where.</summary>
    public static SharingInstance ReadInstance(string json)
    {
        InstanceDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<InstanceDto>(json, Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not a sharing instance: {e.Message}", e);
        }

        if (dto is null || dto.Lots is null || dto.Supply is null || dto.Requests is null)
        {
            throw new FormatException("A sharing instance needs 'lots', 'supply' and 'requests'.");
        }

        var offset = ParseOffset(dto.UtcOffset);
        var supply = dto.Supply.Select((s, i) => new SupplySlot(
            Required(s.SpaceId, $"supply[{i}].spaceId"),
            Required(s.LotId, $"supply[{i}].lotId"),
            s.Kind,
            s.Ownership,
            Windows(s.Windows, s.Weekly, offset, $"supply[{i}]"),
            s.WalkOffsetMeters)).ToList();
        var requests = dto.Requests.Select((r, i) => new SharingRequest(
            Required(r.Id, $"requests[{i}].id"),
            r.DriverId ?? r.Id,
            Required(r.HouseholdId, $"requests[{i}].householdId"),
            Windows(r.Windows, r.Weekly, offset, $"requests[{i}]"),
            r.Kind,
            r.PreferredBuildingId)).ToList();
        foreach (var (request, i) in requests.Select((r, i) => (r, i)))
        {
            if (request.Windows.Count == 0)
            {
                throw new FormatException($"requests[{i}] ('{request.Id}') has no windows.");
            }
        }

        var lots = dto.Lots.ToDictionary(l => l.Key, l => (IReadOnlyDictionary<string, int>)l.Value, StringComparer.Ordinal);
        return new SharingInstance(supply, requests, lots, dto.HouseholdWeights);
    }

    public static string WriteResult(SharingRoundResult result, SharingRoundResult greedyBaseline)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(greedyBaseline);
        var dto = new ResultDto(
            result.Algorithm.ToString(),
            result.Status.ToString(),
            Math.Round(result.SolveTime.TotalSeconds, 3),
            result.Metrics,
            greedyBaseline.Metrics,
            result.Assignments,
            result.UnservedRequestIds);
        return JsonSerializer.Serialize(dto, Options);
    }

    public static string WriteInstance(InstanceDto instance) => JsonSerializer.Serialize(instance, Options);

    private static List<TimeWindow> Windows(IReadOnlyList<WindowDto>? windows, IReadOnlyList<WeeklyDto>? weekly, TimeSpan offset, string where)
    {
        var result = new List<TimeWindow>();
        foreach (var (w, i) in (windows ?? []).Select((w, i) => (w, i)))
        {
            if (w.End <= w.Start)
            {
                throw new FormatException($"{where}.windows[{i}] ends at or before it starts.");
            }

            result.Add(new TimeWindow(w.Start, w.End));
        }

        foreach (var (p, i) in (weekly ?? []).Select((p, i) => (p, i)))
        {
            var at = $"{where}.weekly[{i}]";
            var days = (p.Days ?? []).Select(d => Enum.TryParse<DayOfWeek>(d, ignoreCase: true, out var day)
                ? day
                : throw new FormatException($"{at}.days: '{d}' is not a day of the week.")).ToList();
            result.AddRange(SharingWindows.Weekly(
                ParseDate(p.From, $"{at}.from"),
                ParseDate(p.To, $"{at}.to"),
                days,
                ParseTime(p.Start, $"{at}.start"),
                ParseTime(p.End, $"{at}.end"),
                offset));
        }

        return result;
    }

    private static string Required(string? value, string where) =>
        string.IsNullOrWhiteSpace(value) ? throw new FormatException($"{where} is required.") : value;

    private static DateOnly ParseDate(string? text, string where) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new FormatException($"{where}: '{text}' is not a date (yyyy-MM-dd).");

    private static TimeOnly ParseTime(string? text, string where) =>
        TimeOnly.TryParseExact(text, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new FormatException($"{where}: '{text}' is not a time of day (HH:mm).");

    private static TimeSpan ParseOffset(string? text)
    {
        var trimmed = (text ?? "+00:00").TrimStart('+');
        return TimeSpan.TryParseExact(trimmed.TrimStart('-'), @"hh\:mm", CultureInfo.InvariantCulture, out var offset)
            ? (trimmed.StartsWith('-') ? -offset : offset)
            : throw new FormatException($"utcOffset: '{text}' is not an offset like +08:00.");
    }
}
