using System.Globalization;

namespace Parking.Web.Services;

/// <summary>
/// How a page shows times, dates and money: in the compound's local time (its UTC offset, from
/// <c>GET .../info</c>; China Standard Time until that answers) and in the current culture's formats.
/// The browser's own time zone plays no part, so a driver abroad sees the times the compound keeps.
/// </summary>
public sealed class LocalDisplay
{
    /// <summary>The demo compounds' offset (UTC+8), used until the compound's own is known.</summary>
    public static readonly TimeSpan DefaultOffset = TimeSpan.FromHours(8);

    /// <summary>The read under way, or the last one once done: true when it succeeded (until one has, each page asks again).</summary>
    private Task<bool>? _loading;

    public TimeSpan Offset { get; private set; } = DefaultOffset;

    /// <summary>ISO 4217 code of money amounts; yuan (¥) on this platform.</summary>
    public string Currency { get; private set; } = "CNY";

    /// <summary>Reads the signed-in user's compound's offset and currency once; later calls return at once.</summary>
    public Task EnsureLoadedAsync(ParkingApi api)
    {
        ArgumentNullException.ThrowIfNull(api);

        // A finished read that failed is asked again. The read never clears its own mark: one that fails before its
        // first await (not signed in yet) would clear it before this method stored it, and no page would ask again.
        if (_loading is not { } loading || (loading.IsCompleted && loading is not { IsCompletedSuccessfully: true, Result: true }))
        {
            _loading = loading = LoadAsync(api);
        }

        return loading;
    }

    public void Use(TimeSpan offset, string currency = "CNY")
    {
        Offset = offset;
        Currency = currency;
    }

    public DateTimeOffset Local(DateTimeOffset at) => at.ToOffset(Offset);

    /// <summary>The compound's wall-clock time now, e.g. to prefill a form.</summary>
    public DateTime LocalNow(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Local(time.GetUtcNow()).DateTime;
    }

    /// <summary>A wall-clock time typed into a form, read as the compound's local time.</summary>
    public DateTimeOffset FromLocal(DateTime local) => new(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Offset);

    /// <summary>An instant in the compound's local time with a .NET format ("g", "t", "T", "d"...) of the current culture.</summary>
    public string Format(DateTimeOffset at, string format) => Local(at).ToString(format, CultureInfo.CurrentCulture);

    /// <summary>"22/11/2026 09:00 – 11:00" when both ends fall on one local day, else both dates.</summary>
    public string Window(DateTimeOffset start, DateTimeOffset end)
    {
        var from = Local(start);
        var to = Local(end);
        return from.Date == to.Date
            ? $"{Format(start, "g")} – {Format(end, "t")}"
            : $"{Format(start, "g")} – {Format(end, "g")}";
    }

    /// <summary>A whole number in the culture's grouping (credits, watt-hours).</summary>
    public static string Number(double value, string format = "N0") => value.ToString(format, CultureInfo.CurrentCulture);

    /// <summary>An amount of money in the compound's currency, formatted by the current culture with the yuan sign.</summary>
    public string Money(decimal amount)
    {
        var numbers = (NumberFormatInfo)CultureInfo.CurrentCulture.NumberFormat.Clone();
        numbers.CurrencySymbol = Currency == "CNY" ? "¥" : Currency;
        return amount.ToString("C", numbers);
    }

    /// <summary>Reads the compound's offset and currency; false when it could not (the defaults stay).</summary>
    private async Task<bool> LoadAsync(ParkingApi api)
    {
        try
        {
            var info = await api.CompoundInfoAsync();
            Use(TimeSpan.FromMinutes(info.UtcOffsetMinutes), info.Currency);
            return true;
        }
        catch (Exception e) when (e is ApiProblemException or HttpRequestException or InvalidOperationException)
        {
            return false;
        }
    }
}
