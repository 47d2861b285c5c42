using System.Text.Json;
using Parking.Domain.Charging;
using Parking.Domain.Rebalancing;
using Parking.Domain.Shelters;
using Parking.Domain.Voting;

namespace Parking.Api;

/// <summary>Turns domain and grain types into the wire types of Contracts.</summary>
public static class Mapping
{
    public static string Wire<TEnum>(this TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    // Each Contracts enum has its Domain counterpart's members in the same order, so a cast maps them
    // (tests/Api.Tests/WireEnumTests.cs checks every pair by name and by the string on the wire).
    public static SpaceKindDto ToDto(this SpaceKind value) => (SpaceKindDto)value;

    public static SpaceOwnershipDto ToDto(this SpaceOwnership value) => (SpaceOwnershipDto)value;

    public static TariffLevelDto ToDto(this TariffLevel value) => (TariffLevelDto)value;

    public static LotKindDto ToDto(this LotKind value) => (LotKindDto)value;

    public static SpaceStatusDto ToDto(this SpaceStatus value) => (SpaceStatusDto)value;

    public static ReservationStatusDto ToDto(this ReservationStatus value) => (ReservationStatusDto)value;

    public static ChargingRequestStatusDto ToDto(this ChargingRequestStatus value) => (ChargingRequestStatusDto)value;

    public static ChargerStatusDto ToDto(this ChargerStatus value) => (ChargerStatusDto)value;

    public static PortStatusDto ToDto(this PortStatus value) => (PortStatusDto)value;

    public static VoteStatusDto ToDto(this VoteStatus value) => (VoteStatusDto)value;

    public static RebalancingStatusDto ToDto(this RebalancingStatus value) => (RebalancingStatusDto)value;

    public static ShelterAlarmKindDto ToDto(this AlarmKind value) => (ShelterAlarmKindDto)value;

    public static RoundEntryOriginDto ToDto(this Domain.Rounds.RoundEntryOrigin value) => (RoundEntryOriginDto)value;

    public static RoundRequestStatusDto ToDto(this Domain.Rounds.RoundRequestStatus value) => (RoundRequestStatusDto)value;

    public static RoundSolveStatusDto ToDto(this Domain.Rounds.RoundSolveStatus value) => (RoundSolveStatusDto)value;

    public static NoticeKindDto ToDto(this Domain.Notices.NoticeKind value) => (NoticeKindDto)value;

    public static NoticeDeliveryStatusDto ToDto(this Domain.Notices.DeliveryStatus value) => (NoticeDeliveryStatusDto)value;

    public static GateReasonDto ToDto(this Domain.Gates.GateReason value) => (GateReasonDto)value;

    public static GateDirectionDto ToDto(this Domain.Gates.GateDirection value) => (GateDirectionDto)value;

    public static PlateColourDto ToDto(this Domain.Gates.PlateColour value) => (PlateColourDto)value;

    public static UserRoleDto ToDto(this UserRole value) => (UserRoleDto)value;

    public static InviteStatusDto ToDto(this Domain.Membership.InviteStatus value) => (InviteStatusDto)value;

    public static JoinRequestStatusDto ToDto(this Domain.Membership.JoinRequestStatus value) => (JoinRequestStatusDto)value;

    public static AuditActionDto ToDto(this Domain.Membership.AuditAction value) => (AuditActionDto)value;

    public static ChargingNoticeKindDto ToDto(this ChargingNoticeKind value) => (ChargingNoticeKindDto)value;

    public static LedgerKindDto ToDto(this Domain.Credits.LedgerKind value) => (LedgerKindDto)value;

    public static SessionEndReasonDto ToDto(this SessionEndReason value) => (SessionEndReasonDto)value;

    public static VoteMatterDto ToDto(this VoteMatter value) => (VoteMatterDto)value;

    public static BallotChoiceDto ToDto(this BallotChoice value) => (BallotChoiceDto)value;

    public static BallotActionDto ToDto(this BallotAction value) => (BallotActionDto)value;

    public static ShelterCommandActionDto ToDto(this ShelterCommandAction value) => (ShelterCommandActionDto)value;

    public static ShelterControllerStatusDto ToDto(this ControllerStatus value) => (ShelterControllerStatusDto)value;

    public static ChargingPlanStatusDto ToDto(this AreaPlanStatus value) => (ChargingPlanStatusDto)value;

    /// <summary>A vote's status while it waits (scheduled or open); a closed vote is not pending.</summary>
    public static PendingProposalStatusDto ToPendingDto(this VoteStatus value) => value switch
    {
        VoteStatus.Scheduled => PendingProposalStatusDto.Scheduled,
        VoteStatus.Open => PendingProposalStatusDto.Open,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "A closed vote is not pending."),
    };

    /// <summary>A rebalancing suggestion's status while it waits (running or ready); a decided one is not pending.</summary>
    public static PendingProposalStatusDto ToPendingDto(this RebalancingStatus value) => value switch
    {
        RebalancingStatus.Running => PendingProposalStatusDto.Running,
        RebalancingStatus.Ready => PendingProposalStatusDto.Ready,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "A decided suggestion is not pending."),
    };

    public static ReservationDto ToDto(this Reservation r) => new(
        r.Id, r.CompoundId, r.LotId, r.SpaceId, r.ResidentId, r.Plate, r.Window.Start, r.Window.End,
        r.Status.ToDto(), r.CreatedAt, r.CheckedInAt, r.EndedAt, r.Revision);

    public static AvailableSpaceDto ToDto(this AvailableSpace s) =>
        new(s.LotId, s.SpaceId, s.Label, s.Kind.ToDto(), s.Ownership.ToDto(), s.WalkMeters);

    public static SpaceOccupancyDto ToDto(this SpaceAvailability s, DateTimeOffset now) => new(
        s.Definition.SpaceId, s.Definition.Label, s.Definition.Kind.ToDto(), s.Definition.Ownership.ToDto(),
        s.StatusAt(now).ToDto(), [.. s.Held.Select(w => new TimeWindowDto(w.Start, w.End))], s.Version,
        s.Definition.Position is { } at ? at.ToDto() : null, s.Definition.HeadingDegrees);

    public static PointDto ToDto(this Point p) => new(p.X, p.Y);

    public static LotOccupancyDto ToDto(this LotOccupancy o) => new(
        o.CompoundId, o.LotId, o.Name, o.Epoch, o.Sequence, o.AsOf,
        o.Counts.ToDictionary(c => c.Key.Wire(), c => c.Value),
        [.. o.Spaces.Select(s => s.ToDto(o.AsOf))],
        o.Outline.Count >= 3 ? new LotGeometryDto([.. o.Outline.Select(p => p.ToDto())], [.. o.Entrances.Select(p => p.ToDto())]) : null);

    public static LotChangeDto ToDto(this LotChange c, string compoundId, string lotId, Guid epoch) =>
        new(compoundId, lotId, epoch, c.Sequence, c.Space.AsOf, c.Space.ToDto(c.Space.AsOf));

    public static LotSummaryDto ToDto(this LotSummary l) => new(l.LotId, l.Name, l.Kind.ToDto(), l.Spaces);

    public static UserDto ToDto(this CompoundUser u) => new(
        u.CompoundId, u.UserId, u.DisplayName, u.Role.Wire(), u.HouseholdId, u.BuildingId, [.. u.Vehicles.Select(v => v.Plate)]);
}
