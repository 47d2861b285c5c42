using System.Globalization;

namespace Parking.Bench;

/// <summary>How the benches print numbers: rates, milliseconds, counts and shares (NaN prints as n/a).</summary>
internal static class Format
{
    public static string Rate(double perSecond) =>
        double.IsNaN(perSecond) ? "n/a" : perSecond.ToString("N0", CultureInfo.InvariantCulture);

    public static string Ms(double milliseconds) =>
        double.IsNaN(milliseconds) ? "n/a" : milliseconds.ToString(milliseconds < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ms";

    public static string N(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string Percent(double share) =>
        double.IsNaN(share) ? "n/a" : share.ToString("P1", CultureInfo.InvariantCulture);

    public static string Micros(double microseconds) =>
        double.IsNaN(microseconds) ? "n/a" : microseconds.ToString("N0", CultureInfo.InvariantCulture) + " µs";

    /// <summary>The machine's load average (1, 5 and 15 minutes), so a figure can be read against what else ran.</summary>
    public static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return $"load average {fields[0]}, {fields[1]}, {fields[2]}";
        }
        catch (IOException)
        {
            return "load average n/a";
        }
    }
}
