namespace Parking.Domain;

/// <summary>A half-open interval of time, <c>[Start, End)</c>.</summary>
[GenerateSerializer, Immutable]
public readonly record struct TimeWindow(
    [Id(0)] DateTimeOffset Start,
    [Id(1)] DateTimeOffset End)
{
    public TimeSpan Duration => End - Start;

    public bool IsEmpty => End <= Start;

    public bool Overlaps(TimeWindow other) => Start < other.End && other.Start < End;

    public bool Contains(DateTimeOffset instant) => Start <= instant && instant < End;

    public override string ToString() => $"[{Start:O}, {End:O})";
}
