using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parking.Domain.Layout;

/// <summary>
/// A point in the compound's local metric frame (metres east and north of its origin). In a compound file it is
/// written as a two-number array, <c>[x, y]</c>, like a GeoJSON position.
/// </summary>
[GenerateSerializer, Immutable]
[JsonConverter(typeof(PointJsonConverter))]
public readonly record struct Point([Id(0)] double X, [Id(1)] double Y)
{
    /// <summary>Walking distance along paths laid out at right angles: the sum of the two offsets.</summary>
    public double WalkTo(Point other) => Math.Abs(X - other.X) + Math.Abs(Y - other.Y);
}

/// <summary>Pure plane geometry for lot outlines.</summary>
public static class Geometry
{
    /// <summary>
    /// True when <paramref name="point"/> lies inside the polygon or on its edge (a space painted on the lot's
    /// boundary line is still in the lot). Even-odd rule, so the outline may be given in either direction.
    /// </summary>
    public static bool Contains(IReadOnlyList<Point> polygon, Point point)
    {
        ArgumentNullException.ThrowIfNull(polygon);
        var inside = false;
        for (int i = 0, j = polygon.Count - 1; i < polygon.Count; j = i++)
        {
            var a = polygon[i];
            var b = polygon[j];
            if (OnSegment(a, b, point))
            {
                return true;
            }

            if ((a.Y > point.Y) != (b.Y > point.Y)
                && point.X < ((b.X - a.X) * (point.Y - a.Y) / (b.Y - a.Y)) + a.X)
            {
                inside = !inside;
            }
        }

        return inside;
    }

    /// <summary>The polygon's area in square units (shoelace formula), whatever its direction.</summary>
    public static double Area(IReadOnlyList<Point> polygon)
    {
        ArgumentNullException.ThrowIfNull(polygon);
        var twice = 0.0;
        for (int i = 0, j = polygon.Count - 1; i < polygon.Count; j = i++)
        {
            twice += (polygon[j].X * polygon[i].Y) - (polygon[i].X * polygon[j].Y);
        }

        return Math.Abs(twice) / 2;
    }

    /// <summary>The shortest right-angle walk from any of <paramref name="from"/> to <paramref name="to"/>, rounded to metres.</summary>
    public static int WalkMeters(IReadOnlyList<Point> from, Point to)
    {
        ArgumentNullException.ThrowIfNull(from);
        return from.Count == 0 ? 0 : (int)Math.Round(from.Min(f => f.WalkTo(to)));
    }

    private static bool OnSegment(Point a, Point b, Point p)
    {
        const double tolerance = 1e-9;
        var cross = ((b.X - a.X) * (p.Y - a.Y)) - ((b.Y - a.Y) * (p.X - a.X));
        return Math.Abs(cross) <= tolerance * Math.Max(1, Math.Abs(b.X - a.X) + Math.Abs(b.Y - a.Y))
            && p.X >= Math.Min(a.X, b.X) - tolerance && p.X <= Math.Max(a.X, b.X) + tolerance
            && p.Y >= Math.Min(a.Y, b.Y) - tolerance && p.Y <= Math.Max(a.Y, b.Y) + tolerance;
    }
}

/// <summary>Reads and writes a <see cref="Point"/> as <c>[x, y]</c>.</summary>
public sealed class PointJsonConverter : JsonConverter<Point>
{
    public override Point Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("A point is an array of two numbers, [x, y].");
        }

        reader.Read();
        var x = reader.GetDouble();
        reader.Read();
        var y = reader.GetDouble();
        reader.Read();
        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException("A point is an array of two numbers, [x, y].");
        }

        return new Point(x, y);
    }

    public override void Write(Utf8JsonWriter writer, Point value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);

        // Raw, so an indented file keeps a point on one line: [12.5, 40].
        writer.WriteRawValue(string.Create(CultureInfo.InvariantCulture, $"[{value.X:R}, {value.Y:R}]"), skipInputValidation: true);
    }
}
