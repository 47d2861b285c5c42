namespace Parking.Web.Components;

/// <summary>Where a space sits on a lot's map: a cell in a grid.</summary>
public sealed record SpaceCell(SpaceOccupancyDto Space, int Column, int Row, double X, double Y);

/// <summary>
/// Draws a lot as rows of spaces (the layout has no coordinates): spaces in the lot's order, a fixed
/// number per row, an aisle after every second row, as most surface lots and garages are striped.
/// </summary>
public static class LotMapLayout
{
    public const double CellWidth = 28;
    public const double CellHeight = 40;
    public const double Gap = 2;
    public const double Aisle = 16;

    public static IReadOnlyList<SpaceCell> Arrange(IReadOnlyList<SpaceOccupancyDto> spaces, int columns)
    {
        ArgumentNullException.ThrowIfNull(spaces);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        var cells = new SpaceCell[spaces.Count];
        for (var i = 0; i < spaces.Count; i++)
        {
            var column = i % columns;
            var row = i / columns;
            cells[i] = new SpaceCell(spaces[i], column, row, column * (CellWidth + Gap), RowTop(row));
        }

        return cells;
    }

    public static double Width(int columns) => (columns * (CellWidth + Gap)) - Gap;

    public static double Height(int count, int columns) => count == 0 ? CellHeight : RowTop((count - 1) / columns) + CellHeight;

    /// <summary>The state only the map shows: free now, held within <see cref="BookedHorizon"/>.</summary>
    public const string Booked = "booked";

    /// <summary>How long ahead a hold makes a free space show as booked.</summary>
    public static readonly TimeSpan BookedHorizon = TimeSpan.FromHours(24);

    /// <summary>
    /// What a space is at <paramref name="now"/>: the server's occupied and out-of-service stand; otherwise
    /// reserved while a held window covers now, booked when one starts within <see cref="BookedHorizon"/>, else free.
    /// </summary>
    public static string StateAt(SpaceOccupancyDto space, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (space.Status is SpaceStatusDto.Occupied or SpaceStatusDto.OutOfService)
        {
            return space.Status.WireName();
        }

        if (space.Held.Any(w => w.Start <= now && now < w.End))
        {
            return SpaceStatusDto.Reserved.WireName();
        }

        return space.Held.Any(w => w.Start > now && w.Start - now <= BookedHorizon) ? Booked : SpaceStatusDto.Free.WireName();
    }

    /// <summary>The CSS class that colours a space: its state, or "pick"/"dim" when a driver's search decides what may be chosen.</summary>
    public static string ClassFor(SpaceOccupancyDto space, DateTimeOffset now, IReadOnlySet<string>? selectable)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (selectable is not null)
        {
            return selectable.Contains(space.SpaceId) ? "space pick" : "space dim";
        }

        return "space " + StateAt(space, now);
    }

    private static double RowTop(int row) => (row * (CellHeight + Gap)) + ((row / 2) * Aisle);
}
