using System.Globalization;

namespace Parking.Web.Components;

/// <summary>Where a space is drawn on a lot map taken from the compound file: its centre and heading in drawing units.</summary>
public sealed record PlacedSpace(SpaceOccupancyDto Space, double X, double Y, double HeadingDegrees);

/// <summary>
/// Draws a lot as it lies on the ground, from the compound file's geometry: the outline, the entrances and every space
/// at its position and heading. The file's local frame is metres east and north; the drawing has y pointing down and
/// <see cref="Scale"/> units per metre, so the page's stroke widths and font sizes (in drawing units) stay readable
/// whatever the lot's size. Used only when the lot has an outline and every space a position; otherwise the map falls
/// back to rows (<see cref="LotMapLayout"/>).
/// </summary>
public static class LotGeometryLayout
{
    /// <summary>Drawing units per metre.</summary>
    public const double Scale = 10;

    /// <summary>A painted car space: 2.5 m wide, 5 m long (the common size in Shanghai's garages).</summary>
    public const double SpaceWidth = 2.5 * Scale;

    public const double SpaceLength = 5.0 * Scale;

    /// <summary>The margin around the outline, so entrances on the edge and labels are not cut.</summary>
    private const double Margin = 3 * Scale;

    public static bool CanDraw(LotGeometryDto? geometry, IReadOnlyList<SpaceOccupancyDto> spaces)
    {
        ArgumentNullException.ThrowIfNull(spaces);
        return geometry is { Outline.Count: >= 3 } && spaces.Count > 0 && spaces.All(s => s.Position is not null);
    }

    public static IReadOnlyList<PlacedSpace> Place(IReadOnlyList<SpaceOccupancyDto> spaces)
    {
        ArgumentNullException.ThrowIfNull(spaces);
        return [.. spaces.Where(s => s.Position is not null).OrderBy(s => s.Label, StringComparer.Ordinal)
            .Select(s => new PlacedSpace(s, s.Position!.X * Scale, Down(s.Position.Y), s.HeadingDegrees ?? 0))];
    }

    /// <summary>
    /// Screen pixels per drawing unit below which the map stops shrinking and scrolls sideways inside its frame instead:
    /// 0.9 keeps a 2.5 m space about 22 px wide and its number legible on a 360 px phone.
    /// </summary>
    public const double MinPixelsPerUnit = 0.9;

    /// <summary>The SVG viewBox of <see cref="Bounds"/>.</summary>
    public static string ViewBox((double X, double Y, double Width, double Height) bounds) =>
        string.Create(CultureInfo.InvariantCulture, $"{bounds.X:0.##} {bounds.Y:0.##} {bounds.Width:0.##} {bounds.Height:0.##}");

    /// <summary>The narrowest the map is drawn, in CSS pixels (see <see cref="MinPixelsPerUnit"/>).</summary>
    public static string MinWidth((double X, double Y, double Width, double Height) bounds) =>
        string.Create(CultureInfo.InvariantCulture, $"min-width: {Math.Ceiling(bounds.Width * MinPixelsPerUnit):0}px");

    /// <summary>The drawing's extent holding the outline, the entrances and every space, with a margin; worked out once per render.</summary>
    public static (double X, double Y, double Width, double Height) Bounds(LotGeometryDto geometry, IReadOnlyList<SpaceOccupancyDto> spaces)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(spaces);
        var points = geometry.Outline.Concat(geometry.Entrances).Concat(spaces.Where(s => s.Position is not null).Select(s => s.Position!)).ToList();
        var reach = SpaceLength / 2 / Scale;
        var minX = (points.Min(p => p.X) - reach) * Scale;
        var maxX = (points.Max(p => p.X) + reach) * Scale;
        var minY = (-points.Max(p => p.Y) - reach) * Scale;
        var maxY = (-points.Min(p => p.Y) + reach) * Scale;
        return (minX - Margin, minY - Margin, maxX - minX + (2 * Margin), maxY - minY + (2 * Margin));
    }

    /// <summary>A northing in metres as a drawing's y (pointing down); 0 stays 0, not -0.</summary>
    public static double Down(double northMetres) => 0 - (northMetres * Scale);

    /// <summary>The outline as an SVG polygon's points.</summary>
    public static string Points(IEnumerable<PointDto> outline)
    {
        ArgumentNullException.ThrowIfNull(outline);
        return string.Join(' ', outline.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X * Scale:0.##},{Down(p.Y):0.##}")));
    }
}
