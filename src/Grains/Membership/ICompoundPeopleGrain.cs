using Parking.Domain.Membership;

namespace Parking.Grains.Membership;

/// <summary>Who acts on a compound's people: their subject and their role in that compound.</summary>
[GenerateSerializer, Immutable]
public sealed record PeopleActor([property: Id(0)] string PersonId, [property: Id(1)] UserRole Role);

/// <summary>An invite and what it reads as now (open, redeemed, revoked or expired).</summary>
[GenerateSerializer, Immutable]
public sealed record InviteView([property: Id(0)] HouseholdInvite Invite, [property: Id(1)] InviteStatus Status);

/// <summary>What a compound's people book holds about one person: for their own export.</summary>
[GenerateSerializer, Immutable]
public sealed record PersonEntries(
    [property: Id(0)] IReadOnlyList<AuditEntry> Audit,
    [property: Id(1)] IReadOnlyList<JoinRequest> JoinRequests,
    [property: Id(2)] IReadOnlyList<HouseholdInvite> InvitesRedeemed);

/// <summary>
/// A compound's people (key: compound id): household invites, requests to join, staff and committee accounts, the
/// audit trail of every membership change and the retention of history that names a person. The single writer of
/// all of them, so an invite is redeemed at most once and a request decided at most once without locks. The
/// person's own record (<see cref="IMemberGrain"/>) is changed from here after the book has stored the change.
/// </summary>
public interface ICompoundPeopleGrain : IGrainWithStringKey
{
    Task<Outcome<InviteView>> CreateInvite(PeopleActor actor, string? householdId, int? validDays);

    [ReadOnly]
    Task<IReadOnlyList<InviteView>> GetInvites();

    Task<Outcome<InviteView>> RevokeInvite(PeopleActor actor, string code);

    /// <summary>Makes the person a resident of the invite's household; the code is then used up.</summary>
    Task<Outcome<CompoundMembership>> RedeemInvite(string code, string personId, string? displayName);

    Task<Outcome<JoinRequest>> AskToJoin(string personId, string? displayName, string? householdId, string? note);

    [ReadOnly]
    Task<IReadOnlyList<JoinRequest>> GetJoinRequests();

    Task<Outcome<JoinRequest>> DecideJoin(PeopleActor actor, string requestId, bool approve, string? reason);

    /// <summary>Grants staff or committee to a person (within what the actor may grant).</summary>
    Task<Outcome<CompoundMembership>> GrantRole(PeopleActor actor, string? personId, UserRole role, string? displayName);

    /// <summary>Takes the role away: a person with a household stays its resident, anyone else leaves the compound.</summary>
    Task<Outcome<CompoundMembership?>> RemoveRole(PeopleActor actor, string? personId);

    /// <summary>Notes a vehicle the person added or removed in the audit trail.</summary>
    Task RecordVehicle(string personId, string plate, bool added);

    /// <summary>The person leaves: their membership goes, and every entry here that names them is anonymised.</summary>
    Task<string> Leave(string personId);

    /// <summary>Interleaves with a change in progress (the book is replaced whole): the roster reads it while a role change may wait on it.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<AuditEntry>> GetAudit(int limit);

    /// <summary>Everyone the book records as having joined (invite redeemed, request approved), however old the entry.</summary>
    Task<IReadOnlyList<string>> GetJoined();

    [ReadOnly]
    Task<PersonEntries> GetEntriesAbout(string personId);

    [ReadOnly]
    Task<int> GetRetentionDays();

    Task<Outcome<int>> SetRetentionDays(PeopleActor actor, int days);
}

/// <summary>Which compound an invite code belongs to (key: the code), so a person can redeem it without naming the compound.</summary>
public interface IInviteCodeGrain : IGrainWithStringKey
{
    /// <summary>Takes the code for a compound; false when another compound already holds it.</summary>
    Task<bool> Claim(string compoundId);

    [ReadOnly]
    Task<string?> GetCompound();
}
