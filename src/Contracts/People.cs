namespace Parking.Contracts;

/// <summary>Body of <c>POST /api/compounds/{compoundId}/invites</c>: the household and how many days the code is good (1-90, default 14).</summary>
public sealed record CreateInviteRequest(string? HouseholdId, int? ValidDays);

/// <summary>
/// A household invite as staff print it: the code (grouped in fours), the household, its unit and building, and
/// until when it can be redeemed. Status: open, redeemed, revoked or expired.
/// </summary>
public sealed record InviteDto(
    string Code,
    string CompoundId,
    string CompoundName,
    string HouseholdId,
    string Unit,
    string BuildingId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    InviteStatusDto Status,
    string CreatedBy,
    string? RedeemedBy,
    DateTimeOffset? ClosedAt);

/// <summary>Body of <c>POST /api/invites/redeem</c>: the printed code and the name staff should see.</summary>
public sealed record RedeemInviteRequest(string? Code, string? DisplayName);

/// <summary>Body of <c>POST /api/join-requests</c>: a person asks to be taken in as a resident of a household.</summary>
public sealed record AskToJoinRequest(string? CompoundId, string? HouseholdId, string? DisplayName, string? Note);

/// <summary>A request to join a household. Status: pending, approved or refused.</summary>
public sealed record JoinRequestDto(
    string Id,
    string CompoundId,
    string PersonId,
    string DisplayName,
    string HouseholdId,
    string BuildingId,
    string? Note,
    DateTimeOffset At,
    JoinRequestStatusDto Status,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? Reason);

/// <summary>Body of <c>POST .../join-requests/{id}/refuse</c> (and optionally approve): why, for the person.</summary>
public sealed record DecideJoinRequest(string? Reason);

/// <summary>A staff, committee or operator account of the compound, as the people page lists it.</summary>
public sealed record RosterEntryDto(string PersonId, UserRoleDto Role, string DisplayName, string? HouseholdId);

/// <summary>A resident as staff and the operator look them up: name, household and its unit, building, their cars' plates.</summary>
public sealed record ResidentDto(string PersonId, string DisplayName, string? HouseholdId, string? Unit, string? BuildingId, string[] Plates);

/// <summary>One page of a resident search: <c>Total</c> residents matched, this page's <c>Items</c> (page counts from 1).</summary>
public sealed record ResidentPageDto(int Total, int Page, int PageSize, ResidentDto[] Items);

/// <summary>
/// One compound's answer to a search across the operator's sub-district: how many of its residents match, and the
/// first of them in the compound's order (the compound's <c>/residents</c> pages through the rest).
/// </summary>
public sealed record CompoundResidentsDto(string CompoundId, string Name, int Total, ResidentDto[] First);

/// <summary>Body of <c>PUT .../people/{personId}/role</c>: staff or committee, and the name to show for someone new.</summary>
public sealed record GrantRoleRequest(string? Role, string? DisplayName);

/// <summary>One membership change (action: inviteCreated, inviteRedeemed, inviteRevoked, joinRequested, joinApproved, joinRefused, roleGranted, roleRemoved, vehicleAdded, vehicleRemoved, left, retentionChanged).</summary>
public sealed record AuditEntryDto(long Sequence, DateTimeOffset At, string ActorId, AuditActionDto Action, string? SubjectId, string? HouseholdId, string? Detail);

/// <summary>How long history that names a person is kept in a compound, in days (30-3650).</summary>
public sealed record RetentionDto(int RetentionDays);

/// <summary>Who a person is in one compound.</summary>
public sealed record MembershipDto(string CompoundId, string CompoundName, UserRoleDto Role, string DisplayName, string? HouseholdId, string? BuildingId);

public sealed record VehicleDto(string Type, string? Plate, bool IsElectric, string? Label);

/// <summary>Body of <c>POST /api/me/vehicles</c>.</summary>
public sealed record AddVehicleRequest(string? Plate, bool IsElectric);

/// <summary>Body of <c>POST /api/me/ebikes</c>: the name the owner gives the e-bike (1-40 characters).</summary>
public sealed record AddEBikeRequest(string? Label);

/// <summary><c>GET /api/me</c>: the person's memberships (one per compound: the app's compound picker) and vehicles.</summary>
public sealed record MeDto(string PersonId, IReadOnlyList<MembershipDto> Memberships, IReadOnlyList<VehicleDto> Vehicles);

/// <summary>What Parking holds about a person in one compound, as far as it is reachable from their record.</summary>
public sealed record CompoundPersonalDataDto(
    string CompoundId,
    IReadOnlyList<ReservationDto> Reservations,
    IReadOnlyList<ChargingSessionDto> ChargingSessions,
    IReadOnlyList<AuditEntryDto> AuditEntries,
    IReadOnlyList<JoinRequestDto> JoinRequests,
    IReadOnlyList<InviteDto> InvitesRedeemed)
{
    /// <summary>Charging requests the person made in the compound's charging areas, with their turns.</summary>
    public IReadOnlyList<ChargingRequestDto> ChargingRequests { get; init; } = [];

    /// <summary>E-bike charging sessions at the compound's shelters (running and those the shelters still keep).</summary>
    public IReadOnlyList<ShelterSessionDto> ShelterSessions { get; init; } = [];

    /// <summary>The person's notices, newest first, with what each channel did with them.</summary>
    public IReadOnlyList<NoticeDto> Notices { get; init; } = [];

    /// <summary>Requests in the open allocation round and places on the waitlist.</summary>
    public IReadOnlyList<RoundEntryDto> RoundRequests { get; init; } = [];

    public IReadOnlyList<RoundEntryDto> Waitlist { get; init; } = [];

    /// <summary>Visitor passes the person booked for their household.</summary>
    public IReadOnlyList<VisitorPassDto> VisitorPasses { get; init; } = [];

    /// <summary>Every ballot cast or changed by the person for their household.</summary>
    public IReadOnlyList<BallotAuditEntryDto> Ballots { get; init; } = [];

    /// <summary>
    /// The credit account of the person's household in the compound: its balance and newest transactions (at most
    /// 500), as the household's members see it; null when the person belongs to no household there.
    /// </summary>
    public CreditAccountDto? HouseholdCredits { get; init; }
}

/// <summary><c>GET /api/me/export</c>: everything Parking holds about the person (PIPL), as one JSON document.</summary>
public sealed record PersonalDataExportDto(
    string PersonId,
    DateTimeOffset ExportedAt,
    IReadOnlyList<MembershipDto> Memberships,
    IReadOnlyList<VehicleDto> Vehicles,
    IReadOnlyList<CompoundPersonalDataDto> Compounds);
