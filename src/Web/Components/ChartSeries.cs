using System.Globalization;

namespace Parking.Web.Components;

/// <summary>One named series of a chart: a value per label (a run's occupancy per hour, its waits per bucket...).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double> Values);

/// <summary>One bar as drawn: its series and label index, its value and its rectangle in the chart's coordinates.</summary>
public sealed record BarGeometry(int Series, int Label, double Value, double X, double Y, double Width, double Height);

/// <summary>The arithmetic of the charts, apart from their markup so it can be checked without a browser.</summary>
public static class ChartMath
{
    /// <summary>The top of the value axis: the given maximum, else the largest value (1 when all are 0 or none).</summary>
    public static double Top(IEnumerable<ChartSeries> series, double? max = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (max is > 0)
        {
            return max.Value;
        }

        var largest = series.SelectMany(s => s.Values).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        return largest > 0 ? largest : 1;
    }

    /// <summary>Grouped bars: one group per label, one bar per series inside it, bars grow up from the bottom.</summary>
    public static IReadOnlyList<BarGeometry> Bars(int labels, IReadOnlyList<ChartSeries> series, double width, double height, double top)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (labels <= 0 || series.Count == 0)
        {
            return [];
        }

        var group = width / labels;
        var bar = group * 0.8 / series.Count;
        var bars = new List<BarGeometry>(labels * series.Count);
        for (var l = 0; l < labels; l++)
        {
            for (var s = 0; s < series.Count; s++)
            {
                var value = l < series[s].Values.Count && double.IsFinite(series[s].Values[l]) ? Math.Max(0, series[s].Values[l]) : 0;
                var h = Math.Min(height, height * value / top);
                bars.Add(new BarGeometry(s, l, value, (l * group) + (group * 0.1) + (s * bar), height - h, bar, h));
            }
        }

        return bars;
    }

    /// <summary>An SVG path through the values, evenly spaced across the width, 0 at the bottom and <paramref name="top"/> at the top.</summary>
    public static string Path(IReadOnlyList<double> values, double width, double height, double top)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return string.Empty;
        }

        var step = values.Count == 1 ? 0 : width / (values.Count - 1);
        return string.Join(' ', values.Select((v, i) =>
        {
            var value = double.IsFinite(v) ? Math.Clamp(v, 0, top) : 0;
            return string.Create(CultureInfo.InvariantCulture, $"{(i == 0 ? 'M' : 'L')}{Round(i * step)},{Round(height - (height * value / top))}");
        }));
    }

    public static string Number(double value) => Round(value).ToString(CultureInfo.InvariantCulture);

    private static double Round(double value) => Math.Round(value, 1);
}
