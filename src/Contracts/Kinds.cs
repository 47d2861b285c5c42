using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parking.Contracts;

/// <summary>
/// Writes and reads a Contracts enum as its camel-case name (<c>checkedIn</c>, <c>outOfService</c>, <c>ev</c>).
/// It sits on each enum type, so every reader of these DTOs (the API, the hub, the web app, a test) gets the
/// same strings without registering anything; numbers are refused.
/// </summary>
public sealed class WireEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where TEnum : struct, Enum;

/// <summary>
/// Writes and reads a Contracts enum as its kebab-case name (<c>no-reservation-lots-full</c>, <c>plug-in-now</c>):
/// for the kinds and reasons the API has always spelled that way. Numbers are refused.
/// </summary>
public sealed class KebabWireEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;

/// <summary>
/// Writes and reads a Contracts enum as its member name unchanged (<c>Optimal</c>, <c>Scheduled</c>): for the few
/// fields the API has always written in Pascal case (a charging plan's status, the request status in a re-import
/// preview). Numbers are refused.
/// </summary>
public sealed class NameWireEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false)
    where TEnum : struct, Enum;

/// <summary>How an area's last charging plan was made: <c>Empty</c> (nothing to plan), <c>Optimal</c>, <c>Feasible</c>, <c>Fallback</c> (the greedy baseline).</summary>
[JsonConverter(typeof(NameWireEnumConverter<ChargingPlanStatusDto>))]
public enum ChargingPlanStatusDto
{
    Empty,
    Optimal,
    Feasible,
    Fallback,
}

/// <summary>What did not show: a <c>reservation</c> nobody checked in to, or a <c>charging</c> turn nobody plugged in to.</summary>
[JsonConverter(typeof(WireEnumConverter<NoShowKindDto>))]
public enum NoShowKindDto
{
    Reservation,
    Charging,
}

/// <summary>Which kind of proposal waits: an owners' <c>vote</c> or a <c>rebalancing</c> suggestion.</summary>
[JsonConverter(typeof(WireEnumConverter<PendingProposalKindDto>))]
public enum PendingProposalKindDto
{
    Vote,
    Rebalancing,
}

/// <summary>
/// Where a pending proposal stands: a vote <c>scheduled</c> or <c>open</c>, a rebalancing suggestion <c>running</c>
/// or <c>ready</c> (waiting for staff).
/// </summary>
[JsonConverter(typeof(WireEnumConverter<PendingProposalStatusDto>))]
public enum PendingProposalStatusDto
{
    Scheduled,
    Open,
    Running,
    Ready,
}

/// <summary>What a space is for: <c>standard</c>, <c>ev</c> (a charger beside it), <c>accessible</c>, <c>visitor</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<SpaceKindDto>))]
public enum SpaceKindDto
{
    Standard,
    EV,
    Accessible,
    Visitor,
}

/// <summary>Who a space belongs to: <c>private</c> (a household), <c>common</c>, <c>temporary</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<SpaceOwnershipDto>))]
public enum SpaceOwnershipDto
{
    Private,
    Common,
    Temporary,
}

/// <summary>A lot's kind: <c>surface</c>, <c>underground</c>, <c>temporary</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<LotKindDto>))]
public enum LotKindDto
{
    Surface,
    Underground,
    Temporary,
}

/// <summary>A space at one moment: <c>free</c>, <c>reserved</c>, <c>occupied</c>, <c>outOfService</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<SpaceStatusDto>))]
public enum SpaceStatusDto
{
    Free,
    Reserved,
    Occupied,
    OutOfService,
}

/// <summary>A reservation's state: <c>reserved</c>, <c>checkedIn</c>, <c>completed</c>, <c>cancelled</c>, <c>noShow</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<ReservationStatusDto>))]
public enum ReservationStatusDto
{
    Reserved,
    CheckedIn,
    Completed,
    Cancelled,
    NoShow,
}

/// <summary>A charging request's state, from <c>waiting</c> for a turn to <c>completed</c>, <c>noShow</c>, <c>cancelled</c> or <c>expired</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<ChargingRequestStatusDto>))]
public enum ChargingRequestStatusDto
{
    Waiting,
    Scheduled,
    Called,
    Charging,
    Completed,
    NoShow,
    Cancelled,
    Expired,
}

/// <summary>A charger as it last reported: <c>available</c>, <c>preparing</c>, <c>charging</c>, <c>finishing</c>, <c>faulted</c>, <c>unavailable</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<ChargerStatusDto>))]
public enum ChargerStatusDto
{
    Available,
    Preparing,
    Charging,
    Finishing,
    Faulted,
    Unavailable,
}

/// <summary>An e-bike shelter's port: <c>free</c>, <c>charging</c>, <c>cut</c> (by an alarm, until staff clear it).</summary>
[JsonConverter(typeof(WireEnumConverter<PortStatusDto>))]
public enum PortStatusDto
{
    Free,
    Charging,
    Cut,
}

/// <summary>An e-bike charging session: <c>charging</c> or <c>ended</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<ShelterSessionStatusDto>))]
public enum ShelterSessionStatusDto
{
    Charging,
    Ended,
}

/// <summary>A ballot's state: <c>scheduled</c>, <c>open</c>, <c>passed</c>, <c>failed</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<VoteStatusDto>))]
public enum VoteStatusDto
{
    Scheduled,
    Open,
    Passed,
    Failed,
}

/// <summary>
/// A rebalancing proposal's state: <c>running</c>, <c>ready</c>, <c>accepted</c>, <c>rejected</c>,
/// <c>cancelled</c>, <c>failed</c>.
/// </summary>
[JsonConverter(typeof(WireEnumConverter<RebalancingStatusDto>))]
public enum RebalancingStatusDto
{
    Running,
    Ready,
    Accepted,
    Rejected,
    Cancelled,
    Failed,
}

/// <summary>A simulation run's state: <c>queued</c>, <c>running</c>, <c>completed</c>, <c>cancelled</c>, <c>failed</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<SimulationRunStatusDto>))]
public enum SimulationRunStatusDto
{
    Queued,
    Running,
    Completed,
    Cancelled,
    Failed,
}

/// <summary>An import job's state: <c>running</c>, <c>applied</c>, <c>cancelled</c>, <c>failed</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<ImportJobStateDto>))]
public enum ImportJobStateDto
{
    Running,
    Applied,
    Cancelled,
    Failed,
}

/// <summary>A person's role in a compound: <c>resident</c>, <c>staff</c>, <c>committee</c>, <c>operator</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<UserRoleDto>))]
public enum UserRoleDto
{
    Resident,
    Staff,
    Committee,
    Operator,
}

/// <summary>Where a household invite stands: <c>open</c>, <c>redeemed</c>, <c>revoked</c>, <c>expired</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<InviteStatusDto>))]
public enum InviteStatusDto
{
    Open,
    Redeemed,
    Revoked,
    Expired,
}

/// <summary>A request to join a household: <c>pending</c>, <c>approved</c>, <c>refused</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<JoinRequestStatusDto>))]
public enum JoinRequestStatusDto
{
    Pending,
    Approved,
    Refused,
}

/// <summary>What changed in a compound's membership: <c>inviteCreated</c>, <c>joinApproved</c>, <c>roleGranted</c>, <c>left</c>, ...</summary>
[JsonConverter(typeof(WireEnumConverter<AuditActionDto>))]
public enum AuditActionDto
{
    InviteCreated,
    InviteRedeemed,
    InviteRevoked,
    JoinRequested,
    JoinApproved,
    JoinRefused,
    RoleGranted,
    RoleRemoved,
    VehicleAdded,
    VehicleRemoved,
    Left,
    RetentionChanged,
}

/// <summary>Why a driver hears from a charging area: <c>turnScheduled</c>, <c>plugInNow</c>, <c>turnEndingSoon</c>, ...</summary>
[JsonConverter(typeof(WireEnumConverter<ChargingNoticeKindDto>))]
public enum ChargingNoticeKindDto
{
    TurnScheduled,
    TurnMoved,
    PlugInNow,
    ChargingStarted,
    ChargingFinished,
    TurnEndingSoon,
    TurnEnded,
    Completed,
    NoShow,
    Cancelled,
    Expired,
    ChargerFaulted,
    Waiting,
}

/// <summary>What a credit transaction is for: <c>grant</c>, <c>booking</c>, <c>refund</c>, <c>visitorPass</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<LedgerKindDto>))]
public enum LedgerKindDto
{
    Grant,
    Booking,
    Refund,
    VisitorPass,
}

/// <summary>Why an e-bike charging session ended: <c>full</c>, <c>maxLength</c>, <c>alarm</c>, <c>staff</c>, <c>driver</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<SessionEndReasonDto>))]
public enum SessionEndReasonDto
{
    Full,
    MaxLength,
    Alarm,
    Staff,
    Driver,
}

/// <summary>What a proposal asks the owners: <c>commonPartsUse</c> (three quarters of both) or <c>other</c> (more than half).</summary>
[JsonConverter(typeof(WireEnumConverter<VoteMatterDto>))]
public enum VoteMatterDto
{
    CommonPartsUse,
    Other,
}

/// <summary>A household's ballot: <c>yes</c>, <c>no</c>, <c>abstain</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<BallotChoiceDto>))]
public enum BallotChoiceDto
{
    Yes,
    No,
    Abstain,
}

/// <summary>A line of a ballot's audit trail: <c>cast</c> or <c>change</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<BallotActionDto>))]
public enum BallotActionDto
{
    Cast,
    Change,
}

/// <summary>What a car needs from a space, in the rebalancing figures: <c>standard</c>, <c>charging</c>, <c>accessible</c>, <c>visitor</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<RebalancingNeedKindDto>))]
public enum RebalancingNeedKindDto
{
    Standard,
    Charging,
    Accessible,
    Visitor,
}

/// <summary>How a rebalancing suggestion was found: <c>optimal</c>, <c>feasible</c> (best in the time limit), <c>fallback</c> (greedy).</summary>
[JsonConverter(typeof(WireEnumConverter<RebalancingSolveStatusDto>))]
public enum RebalancingSolveStatusDto
{
    Optimal,
    Feasible,
    Fallback,
}

/// <summary>Where a command to a charger stands: <c>queued</c>, <c>sent</c>, <c>accepted</c>, <c>rejected</c>, <c>failed</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<OcppCommandStatusDto>))]
public enum OcppCommandStatusDto
{
    Queued,
    Sent,
    Accepted,
    Rejected,
    Failed,
}

/// <summary>What staff hear about a charger: <c>overdraw</c>, <c>overdraw-cleared</c>, <c>command-rejected</c>, <c>command-failed</c>.</summary>
[JsonConverter(typeof(KebabWireEnumConverter<ChargerAlertKindDto>))]
public enum ChargerAlertKindDto
{
    Overdraw,
    OverdrawCleared,
    CommandRejected,
    CommandFailed,
}

/// <summary>What Parking asks a shelter controller to do: <c>port-on</c>, <c>port-off</c>, <c>all-off</c>.</summary>
[JsonConverter(typeof(KebabWireEnumConverter<ShelterCommandActionDto>))]
public enum ShelterCommandActionDto
{
    PortOn,
    PortOff,
    AllOff,
}

/// <summary>A shelter's controller: <c>none</c> (never reported), <c>online</c>, <c>offline</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<ShelterControllerStatusDto>))]
public enum ShelterControllerStatusDto
{
    None,
    Online,
    Offline,
}

/// <summary>The louder shelter alarm: <c>port-did-not-cut</c> (a switch-off) or <c>port-did-not-start</c> (a switch-on).</summary>
[JsonConverter(typeof(KebabWireEnumConverter<ShelterCommandFailureKindDto>))]
public enum ShelterCommandFailureKindDto
{
    PortDidNotCut,
    PortDidNotStart,
}

/// <summary>Why a driver's booking broke: <c>withdrawn</c> (by the owner), <c>overstay</c> (the car before), <c>blocked</c> (by staff).</summary>
[JsonConverter(typeof(WireEnumConverter<BrokenBookingReasonDto>))]
public enum BrokenBookingReasonDto
{
    Withdrawn,
    Overstay,
    Blocked,
}
