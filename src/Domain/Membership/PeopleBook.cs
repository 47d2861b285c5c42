using System.Globalization;
using Parking.Domain.Layout;

namespace Parking.Domain.Membership;

/// <summary>Where an invite stands. <see cref="Expired"/> is never stored: an open invite past its expiry reads as expired.</summary>
public enum InviteStatus
{
    Open,
    Redeemed,
    Revoked,
    Expired,
}

/// <summary>A one-time code staff hand to a household; whoever redeems it first becomes a resident of that household.</summary>
[GenerateSerializer, Immutable]
public sealed record HouseholdInvite(
    [Id(0)] string Code,
    [Id(1)] string HouseholdId,
    [Id(2)] string Unit,
    [Id(3)] string BuildingId,
    [Id(4)] string CreatedBy,
    [Id(5)] DateTimeOffset CreatedAt,
    [Id(6)] DateTimeOffset ExpiresAt,
    [Id(7)] InviteStatus Status = InviteStatus.Open,
    [Id(8)] string? RedeemedBy = null,
    [Id(9)] DateTimeOffset? ClosedAt = null)
{
    public InviteStatus StatusAt(DateTimeOffset now) =>
        Status == InviteStatus.Open && now >= ExpiresAt ? InviteStatus.Expired : Status;

    /// <summary>When the invite stopped being usable (redeemed, revoked or expired); null while it is open.</summary>
    public DateTimeOffset? EndedAt(DateTimeOffset now) => StatusAt(now) switch
    {
        InviteStatus.Open => null,
        InviteStatus.Expired => ExpiresAt,
        _ => ClosedAt,
    };
}

public enum JoinRequestStatus
{
    Pending,
    Approved,
    Refused,
}

/// <summary>A person's request to be taken in as a resident of a household; staff of the compound decide.</summary>
[GenerateSerializer, Immutable]
public sealed record JoinRequest(
    [Id(0)] string Id,
    [Id(1)] string PersonId,
    [Id(2)] string DisplayName,
    [Id(3)] string HouseholdId,
    [Id(4)] string BuildingId,
    [Id(5)] string? Note,
    [Id(6)] DateTimeOffset At,
    [Id(7)] JoinRequestStatus Status = JoinRequestStatus.Pending,
    [Id(8)] string? DecidedBy = null,
    [Id(9)] DateTimeOffset? DecidedAt = null,
    [Id(10)] string? Reason = null);

/// <summary>What changed in a compound's membership.</summary>
public enum AuditAction
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

/// <summary>
/// One membership change: who did it, when, what, to whom (and of which household). A role granted or removed
/// names the role in <see cref="Role"/>; entries earlier builds stored have it only as the word in
/// <see cref="Detail"/> (<c>staff</c>, <c>committee</c>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AuditEntry(
    [Id(0)] long Sequence,
    [Id(1)] DateTimeOffset At,
    [Id(2)] string ActorId,
    [Id(3)] AuditAction Action,
    [Id(4)] string? SubjectId,
    [Id(5)] string? HouseholdId,
    [Id(6)] string? Detail,
    [Id(7)] UserRole? Role = null);

/// <summary>What staff may set for a compound's people, and the limits of it.</summary>
public static class PeopleRules
{
    public const int DefaultInviteDays = 14;
    public const int MaxInviteDays = 90;
    public const int DefaultRetentionDays = 365;
    public const int MinRetentionDays = 30;
    public const int MaxRetentionDays = 3650;
    public const int MaxNameLength = 80;
    public const int MaxNoteLength = 500;
    public const int MaxPersonIdLength = 200;

    /// <summary>Printable and hard to misread: no I, O, 0 or 1.</summary>
    public const string CodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    public const int CodeLength = 10;

    /// <summary>Fresh codes drawn for one invite before giving up: codes are global, and a drawn one may be taken.</summary>
    public const int CodeAttempts = 5;

    /// <summary>Every code drawn for an invite was taken already (<see cref="CodeAttempts"/> of them): <c>invite-code-unavailable</c>.</summary>
    public static DomainError NoFreeCode { get; } = DomainError.Conflict("invite-code-unavailable", "No free invite code was found; try again.");

    /// <summary>The code as stored: upper case, without the spaces and dashes a printed slip groups it with.</summary>
    public static Outcome<string> NormaliseCode(string? text)
    {
        var code = new string((text ?? string.Empty).Where(c => c is not (' ' or '-')).Select(char.ToUpperInvariant).ToArray());
        if (code.Length == 0)
        {
            return DomainError.Invalid("code", "invite-code-required", "code is required: the invite code printed on the slip.");
        }

        return code.Length != CodeLength || code.Any(c => !CodeAlphabet.Contains(c, StringComparison.Ordinal))
            ? DomainError.Invalid("code", "invite-code-malformed", $"code must be {CodeLength} letters and digits as printed on the slip (no I, O, 0 or 1).")
            : code;
    }

    /// <summary>A code as printed: in groups of four, so it is read out and typed without losing the place.</summary>
    public static string Printable(string code) =>
        string.Join('-', code.Chunk(4).Select(c => new string(c)));

    public static Outcome<int> InviteDays(int? days) => days switch
    {
        null => DefaultInviteDays,
        < 1 or > MaxInviteDays => DomainError.Invalid("validDays", "invite-days-out-of-range", $"validDays must be between 1 and {MaxInviteDays}."),
        { } d => d,
    };

    public static DomainError? CheckRetention(int days) => days is < MinRetentionDays or > MaxRetentionDays
        ? DomainError.Invalid("retentionDays", "retention-out-of-range", $"retentionDays must be between {MinRetentionDays} and {MaxRetentionDays} (days).")
        : null;

    public static Outcome<string> DisplayName(string? name)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return DomainError.Invalid("displayName", "display-name-required", "displayName is required: the name staff will see.");
        }

        return trimmed.Length > MaxNameLength
            ? DomainError.Invalid("displayName", "display-name-too-long", $"displayName must be at most {MaxNameLength} characters.")
            : trimmed;
    }

    public static Outcome<string?> Note(string? note, string field)
    {
        var trimmed = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        return trimmed is { Length: > MaxNoteLength }
            ? DomainError.Invalid(field, field + "-too-long", $"{field} must be at most {MaxNoteLength} characters.")
            : trimmed;
    }

    public static Outcome<string> PersonId(string? personId)
    {
        var trimmed = personId?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return DomainError.Invalid("personId", "person-id-required", "personId is required: the person's subject (sub) at the identity issuer.");
        }

        return trimmed.Length > MaxPersonIdLength
            ? DomainError.Invalid("personId", "person-id-too-long", $"personId must be at most {MaxPersonIdLength} characters.")
            : trimmed;
    }

    /// <summary>
    /// Who may grant or remove which role. The sub-district operator manages staff and committee accounts; staff
    /// add committee members and staff colleagues and remove committee members, but removing a staff account is
    /// the operator's (so one staff member cannot lock the others out). Nobody grants the operator role here, and
    /// nobody changes their own role.
    /// </summary>
    public static DomainError? MayManage(UserRole actorRole, string actorId, UserRole role, bool remove, string personId)
    {
        if (string.Equals(actorId, personId, StringComparison.Ordinal))
        {
            return DomainError.Forbidden("Nobody changes their own role: ask a colleague or the sub-district operator.");
        }

        if (role is not (UserRole.Staff or UserRole.Committee))
        {
            return DomainError.Invalid("role", "role-not-managed", "role must be staff or committee: residents join by invite or request, operators are set by the sub-district.");
        }

        var allowed = actorRole switch
        {
            UserRole.Operator => true,
            UserRole.Staff => role == UserRole.Committee || !remove,
            _ => false,
        };
        return allowed
            ? null
            : DomainError.Forbidden(actorRole == UserRole.Staff
                ? "Removing a staff account is for the sub-district operator."
                : "Only staff of the compound and the sub-district operator manage staff and committee accounts.");
    }

    /// <summary>
    /// Whether a person whose membership here is <paramref name="current"/> (null: none) may redeem a resident
    /// invite: staff, committee or the operator would lose that role to it, so they are refused with <c>already-member</c>.
    /// </summary>
    public static DomainError? MayRedeem(CompoundMembership? current) =>
        current is { Role: not UserRole.Resident } other
            ? DomainError.Conflict("already-member", $"You are already {other.Role.ToString().ToLowerInvariant()} of this compound; a resident invite would take that role away.")
            : null;

    /// <summary>Whether a person whose membership here is <paramref name="current"/> may ask to join: only someone who does not belong yet.</summary>
    public static DomainError? MayAskToJoin(CompoundMembership? current) =>
        current is not null ? DomainError.Conflict("already-member", "You already belong to this compound.") : null;

    /// <summary>Whether a role is granted here to a person whose membership is <paramref name="current"/>: the operator's is set by the sub-district.</summary>
    public static DomainError? MayGrantTo(CompoundMembership? current) =>
        current is { Role: UserRole.Operator } ? DomainError.Forbidden("The sub-district operator's role is not changed here.") : null;

    /// <summary>The role a person holds here that may be removed: staff, committee or operator, never a resident's (<c>role-not-found</c>).</summary>
    public static Outcome<CompoundMembership> RemovableRole(CompoundMembership? current, string personId) =>
        current is null or { Role: UserRole.Resident }
            ? new DomainError(ErrorKind.NotFound, "role-not-found", $"'{personId}' holds no staff or committee role in this compound.", "personId")
            : current;

    /// <summary>A request to join names its household: the id trimmed, or <c>household-required</c>.</summary>
    public static Outcome<string> HouseholdId(string? householdId) =>
        string.IsNullOrWhiteSpace(householdId)
            ? DomainError.Invalid("householdId", "household-required", "householdId is required.")
            : householdId.Trim();
}

/// <summary>
/// A compound's people book: its household invites, requests to join, the audit trail of every membership change
/// and how long history that names a person is kept. Immutable: each decision returns the next book, or the reason
/// it was refused (and then nothing changed).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PeopleBook(
    [Id(0)] IReadOnlyList<HouseholdInvite> Invites,
    [Id(1)] IReadOnlyList<JoinRequest> JoinRequests,
    [Id(2)] IReadOnlyList<AuditEntry> Audit,
    [Id(3)] int RetentionDays,
    [Id(4)] long NextSequence)
{
    public static PeopleBook Empty { get; } = new([], [], [], PeopleRules.DefaultRetentionDays, 1);

    public PeopleBook Record(DateTimeOffset now, string actorId, AuditAction action, string? subjectId, string? householdId, string? detail, UserRole? role = null) =>
        this with
        {
            Audit = [.. Audit, new AuditEntry(NextSequence, now, actorId, action, subjectId, householdId, detail, role)],
            NextSequence = NextSequence + 1,
        };

    public HouseholdInvite? Invite(string code) => Invites.FirstOrDefault(i => i.Code == code);

    public Outcome<PeopleBook> CreateInvite(string code, Household household, int days, string actorId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(household);
        if (Invite(code) is not null)
        {
            return DomainError.Conflict("invite-code-taken", "That code is already in use; try again.");
        }

        var invite = new HouseholdInvite(code, household.Id, household.Unit, household.BuildingId, actorId, now, now.AddDays(days));
        return (this with { Invites = [.. Invites, invite] })
            .Record(now, actorId, AuditAction.InviteCreated, null, household.Id, string.Create(CultureInfo.InvariantCulture, $"{PeopleRules.Printable(code)} until {invite.ExpiresAt:O}"));
    }

    /// <summary>Marks the invite used by <paramref name="personId"/>; an invite is good once, and only before it expires.</summary>
    public Outcome<PeopleBook> Redeem(string code, string personId, DateTimeOffset now)
    {
        if (Invite(code) is not { } invite)
        {
            return new DomainError(ErrorKind.NotFound, "invite-not-found", "No invite has that code.", "code");
        }

        switch (invite.StatusAt(now))
        {
            case InviteStatus.Redeemed:
                return new DomainError(ErrorKind.Conflict, "invite-used", "This invite has already been used: ask the property office for a new one.", "code");
            case InviteStatus.Revoked:
                return new DomainError(ErrorKind.Conflict, "invite-revoked", "This invite was revoked by the property office.", "code");
            case InviteStatus.Expired:
                return new DomainError(ErrorKind.Conflict, "invite-expired", $"This invite expired at {invite.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)}: ask the property office for a new one.", "code");
        }

        return Replace(invite with { Status = InviteStatus.Redeemed, RedeemedBy = personId, ClosedAt = now })
            .Record(now, personId, AuditAction.InviteRedeemed, personId, invite.HouseholdId, PeopleRules.Printable(code));
    }

    public Outcome<PeopleBook> Revoke(string code, string actorId, DateTimeOffset now)
    {
        if (Invite(code) is not { } invite)
        {
            return new DomainError(ErrorKind.NotFound, "invite-not-found", "No invite has that code.", "code");
        }

        return invite.StatusAt(now) != InviteStatus.Open
            ? new DomainError(ErrorKind.Conflict, "invite-not-open", $"The invite is {invite.StatusAt(now).ToString().ToLowerInvariant()}, not open: nothing to revoke.", "code")
            : Replace(invite with { Status = InviteStatus.Revoked, ClosedAt = now })
                .Record(now, actorId, AuditAction.InviteRevoked, null, invite.HouseholdId, PeopleRules.Printable(code));
    }

    public Outcome<PeopleBook> AskToJoin(string requestId, string personId, string displayName, Household household, string? note, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(household);
        if (JoinRequests.Any(r => r.PersonId == personId && r.Status == JoinRequestStatus.Pending))
        {
            return DomainError.Conflict("join-request-pending", "You already have a request waiting in this compound: staff of the compound will decide it.");
        }

        var request = new JoinRequest(requestId, personId, displayName, household.Id, household.BuildingId, note, now);
        return (this with { JoinRequests = [.. JoinRequests, request] })
            .Record(now, personId, AuditAction.JoinRequested, personId, household.Id, null);
    }

    public JoinRequest? Request(string requestId) => JoinRequests.FirstOrDefault(r => r.Id == requestId);

    public Outcome<PeopleBook> Decide(string requestId, bool approve, string? reason, string actorId, DateTimeOffset now)
    {
        if (Request(requestId) is not { } request)
        {
            return DomainError.NotFound("join-request-not-found", $"No join request '{requestId}' in this compound.");
        }

        if (request.Status != JoinRequestStatus.Pending)
        {
            return DomainError.Conflict("join-request-decided", $"The request was already {request.Status.ToString().ToLowerInvariant()}.");
        }

        var decided = request with
        {
            Status = approve ? JoinRequestStatus.Approved : JoinRequestStatus.Refused,
            DecidedBy = actorId,
            DecidedAt = now,
            Reason = reason,
        };
        return (this with { JoinRequests = [.. JoinRequests.Select(r => r.Id == requestId ? decided : r)] })
            .Record(now, actorId, approve ? AuditAction.JoinApproved : AuditAction.JoinRefused, request.PersonId, request.HouseholdId, reason);
    }

    public Outcome<PeopleBook> SetRetention(int days, string actorId, DateTimeOffset now)
    {
        if (PeopleRules.CheckRetention(days) is { } error)
        {
            return error;
        }

        return days == RetentionDays
            ? this
            : (this with { RetentionDays = days }).Record(now, actorId, AuditAction.RetentionChanged, null, null, $"{RetentionDays} -> {days} days");
    }

    /// <summary>Everyone the audit shows joining as a resident through the API (an invite redeemed or a request approved), each once.</summary>
    public IReadOnlyList<string> Joiners =>
        [.. Audit.Where(e => e.Action is AuditAction.InviteRedeemed or AuditAction.JoinApproved && e.SubjectId is not null)
            .Select(e => e.SubjectId!)
            .Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The joiners this book names that <paramref name="next"/> (the book kept after it, pruned) names no more: once a
    /// join is pruned, nothing the compound keeps names its joiner as a member, so whoever keeps a list of members must
    /// learn of them first.
    /// </summary>
    public IReadOnlyList<string> JoinersDroppedBy(PeopleBook next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return ReferenceEquals(next, this) ? [] : [.. Joiners.Except(next.Joiners, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Drops what names a person and is older than the retention period: audit entries, decided join requests and
    /// invites that stopped being usable. Pending requests and open invites stay whatever their age.
    /// </summary>
    public PeopleBook Prune(DateTimeOffset now)
    {
        var cutoff = now.AddDays(-RetentionDays);
        var audit = Audit.Where(e => e.At >= cutoff).ToList();
        var requests = JoinRequests.Where(r => r.Status == JoinRequestStatus.Pending || r.DecidedAt >= cutoff).ToList();
        var invites = Invites.Where(i => i.EndedAt(now) is not { } ended || ended >= cutoff).ToList();
        return audit.Count == Audit.Count && requests.Count == JoinRequests.Count && invites.Count == Invites.Count
            ? this
            : this with { Audit = audit, JoinRequests = requests, Invites = invites };
    }

    /// <summary>
    /// A person left: every entry that names them names a pseudonym instead, and what they wrote or what was written
    /// about them (notes, reasons, plates) is removed. What happened, when and to which household stays.
    /// </summary>
    public PeopleBook Anonymise(string personId, string pseudonym)
    {
        string Swap(string id) => id == personId ? pseudonym : id;
        return this with
        {
            Audit = [.. Audit.Select(e => e.ActorId != personId && e.SubjectId != personId
                ? e
                : e with { ActorId = Swap(e.ActorId), SubjectId = e.SubjectId is null ? null : Swap(e.SubjectId), Detail = e.SubjectId == personId ? null : e.Detail })],
            JoinRequests = [.. JoinRequests.Select(r => r.PersonId == personId
                ? r with { PersonId = pseudonym, DisplayName = pseudonym, Note = null, Reason = null, Status = r.Status == JoinRequestStatus.Pending ? JoinRequestStatus.Refused : r.Status, DecidedAt = r.DecidedAt ?? r.At }
                : r with { DecidedBy = r.DecidedBy is null ? null : Swap(r.DecidedBy) })],
            Invites = [.. Invites.Select(i => i.RedeemedBy == personId || i.CreatedBy == personId
                ? i with { RedeemedBy = i.RedeemedBy is null ? null : Swap(i.RedeemedBy), CreatedBy = Swap(i.CreatedBy) }
                : i)],
        };
    }

    private PeopleBook Replace(HouseholdInvite invite) =>
        this with { Invites = [.. Invites.Select(i => i.Code == invite.Code ? invite : i)] };
}
