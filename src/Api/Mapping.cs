using System.Text.Json;

namespace Parking.Api;

/// <summary>Turns domain and grain types into the wire types of Contracts.</summary>
public static class Mapping
{
    public static string Wire<TEnum>(this TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static ReservationDto ToDto(this Reservation r) => new(
        r.Id, r.CompoundId, r.LotId, r.SpaceId, r.ResidentId, r.Plate, r.Window.Start, r.Window.End,
        r.Status.Wire(), r.CreatedAt, r.CheckedInAt, r.EndedAt, r.Revision);

    public static AvailableSpaceDto ToDto(this AvailableSpace s) =>
        new(s.LotId, s.SpaceId, s.Label, s.Kind.Wire(), s.Ownership.Wire(), s.WalkMeters);

    public static SpaceOccupancyDto ToDto(this SpaceAvailability s, DateTimeOffset now) => new(
        s.Definition.SpaceId, s.Definition.Label, s.Definition.Kind.Wire(), s.Definition.Ownership.Wire(),
        s.StatusAt(now).Wire(), [.. s.Held.Select(w => new TimeWindowDto(w.Start, w.End))], s.Version);

    public static LotOccupancyDto ToDto(this LotOccupancy o) => new(
        o.CompoundId, o.LotId, o.Name, o.Epoch, o.Sequence, o.AsOf,
        o.Counts.ToDictionary(c => c.Key.Wire(), c => c.Value),
        [.. o.Spaces.Select(s => s.ToDto(o.AsOf))]);

    public static LotChangeDto ToDto(this LotChange c, string compoundId, string lotId, Guid epoch) =>
        new(compoundId, lotId, epoch, c.Sequence, c.Space.AsOf, c.Space.ToDto(c.Space.AsOf));

    public static LotSummaryDto ToDto(this LotSummary l) => new(l.LotId, l.Name, l.Kind.Wire(), l.Spaces);

    public static UserDto ToDto(this CompoundUser u) => new(
        u.CompoundId, u.UserId, u.DisplayName, u.Role.Wire(), u.HouseholdId, u.BuildingId, [.. u.Vehicles.Select(v => v.Plate)]);
}
