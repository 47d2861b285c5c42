using System.Security.Cryptography;
using Orleans.Runtime;
using Parking.Domain.Membership;

namespace Parking.Grains.Membership;

public sealed class CompoundPeopleGrain(
    [PersistentState("compound-people", GrainKeys.StorageName)] IPersistentState<CompoundPeopleState> state,
    ParkingClock time) : Grain, ICompoundPeopleGrain, IRemindable
{
    /// <summary>Retention is enforced twice: every read leaves out what is past it, and this daily reminder deletes it.</summary>
    public const string RetentionReminder = "people-retention";

    private string CompoundId => this.GetPrimaryKeyString();

    private DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The book as it reads now: nothing past the retention period.</summary>
    private PeopleBook Book => state.State.Book.Prune(Now);

    public async Task<Outcome<InviteView>> CreateInvite(PeopleActor actor, string? householdId, int? validDays)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var days = PeopleRules.InviteDays(validDays);
        if (days.Error is { } invalid)
        {
            return invalid;
        }

        var household = await Household(householdId);
        if (household.Error is { } missing)
        {
            return missing;
        }

        // Codes are global (a person redeems one without naming the compound): claim one no compound holds yet.
        for (var attempt = 0; attempt < PeopleRules.CodeAttempts; attempt++)
        {
            var code = NewCode();
            if (!await GrainFactory.InviteCode(code).Claim(CompoundId))
            {
                continue;
            }

            var created = Book.CreateInvite(code, household.Value!, days.Value, actor.PersonId, Now);
            if (created.Error is { } error)
            {
                return error;
            }

            await Store(created.Value!);
            return View(state.State.Book.Invite(code)!);
        }

        return PeopleRules.NoFreeCode;
    }

    public Task<IReadOnlyList<InviteView>> GetInvites() =>
        Task.FromResult<IReadOnlyList<InviteView>>([.. Book.Invites.Select(View)]);

    public async Task<Outcome<InviteView>> RevokeInvite(PeopleActor actor, string code)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var normal = PeopleRules.NormaliseCode(code);
        if (normal.Error is { } bad)
        {
            return bad;
        }

        var revoked = Book.Revoke(normal.Value!, actor.PersonId, Now);
        if (revoked.Error is { } error)
        {
            return error;
        }

        await Store(revoked.Value!);
        return View(state.State.Book.Invite(normal.Value!)!);
    }

    public async Task<Outcome<CompoundMembership>> RedeemInvite(string code, string personId, string? displayName)
    {
        var normal = PeopleRules.NormaliseCode(code);
        if (normal.Error is { } bad)
        {
            return bad;
        }

        var name = PeopleRules.DisplayName(displayName);
        if (name.Error is { } noName)
        {
            return noName;
        }

        var member = GrainFactory.Member(personId);
        if (PeopleRules.MayRedeem(await MembershipOf(member)) is { } notResident)
        {
            return notResident;
        }

        var redeemed = Book.Redeem(normal.Value!, personId, Now);
        if (redeemed.Error is { } error)
        {
            return error;
        }

        await Store(redeemed.Value!);
        var invite = state.State.Book.Invite(normal.Value!)!;
        var membership = new CompoundMembership(CompoundId, UserRole.Resident, name.Value!, invite.HouseholdId, invite.BuildingId);
        await member.Enrol(membership, []);
        return membership;
    }

    public async Task<Outcome<JoinRequest>> AskToJoin(string personId, string? displayName, string? householdId, string? note)
    {
        var name = PeopleRules.DisplayName(displayName);
        if (name.Error is { } noName)
        {
            return noName;
        }

        var text = PeopleRules.Note(note, "note");
        if (text.Error is { } longNote)
        {
            return longNote;
        }

        var household = await Household(householdId);
        if (household.Error is { } missing)
        {
            return missing;
        }

        if (PeopleRules.MayAskToJoin(await MembershipOf(GrainFactory.Member(personId))) is { } alreadyMember)
        {
            return alreadyMember;
        }

        var id = Guid.NewGuid().ToString("N")[..12];
        var asked = Book.AskToJoin(id, personId, name.Value!, household.Value!, text.Value, Now);
        if (asked.Error is { } error)
        {
            return error;
        }

        await Store(asked.Value!);
        return state.State.Book.Request(id)!;
    }

    public Task<IReadOnlyList<JoinRequest>> GetJoinRequests() => Task.FromResult(Book.JoinRequests);

    public async Task<Outcome<JoinRequest>> DecideJoin(PeopleActor actor, string requestId, bool approve, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var text = PeopleRules.Note(reason, "reason");
        if (text.Error is { } longReason)
        {
            return longReason;
        }

        var decided = Book.Decide(requestId, approve, text.Value, actor.PersonId, Now);
        if (decided.Error is { } error)
        {
            return error;
        }

        await Store(decided.Value!);
        var request = state.State.Book.Request(requestId)!;
        if (approve)
        {
            await GrainFactory.Member(request.PersonId).Enrol(
                new CompoundMembership(CompoundId, UserRole.Resident, request.DisplayName, request.HouseholdId, request.BuildingId), []);
        }

        return request;
    }

    public async Task<Outcome<CompoundMembership>> GrantRole(PeopleActor actor, string? personId, UserRole role, string? displayName)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var person = PeopleRules.PersonId(personId);
        if (person.Error is { } noPerson)
        {
            return noPerson;
        }

        if (PeopleRules.MayManage(actor.Role, actor.PersonId, role, remove: false, person.Value!) is { } refused)
        {
            return refused;
        }

        var member = GrainFactory.Member(person.Value!);
        var current = await MembershipOf(member);
        if (PeopleRules.MayGrantTo(current) is { } operatorRole)
        {
            return operatorRole;
        }

        var name = displayName is null && current is not null ? current.DisplayName : PeopleRules.DisplayName(displayName).Value;
        if (name is null)
        {
            return PeopleRules.DisplayName(displayName).Error!;
        }

        var membership = new CompoundMembership(CompoundId, role, name, current?.HouseholdId, current?.BuildingId);
        await Store(Book.Record(Now, actor.PersonId, AuditAction.RoleGranted, person.Value!, current?.HouseholdId, null, role));
        await member.Enrol(membership, []);
        return membership;
    }

    public async Task<Outcome<CompoundMembership?>> RemoveRole(PeopleActor actor, string? personId)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var person = PeopleRules.PersonId(personId);
        if (person.Error is { } noPerson)
        {
            return noPerson;
        }

        var member = GrainFactory.Member(person.Value!);
        var held = PeopleRules.RemovableRole(await MembershipOf(member), person.Value!);
        if (held.Value is not { } current)
        {
            return held.Error!;
        }

        if (PeopleRules.MayManage(actor.Role, actor.PersonId, current.Role, remove: true, person.Value!) is { } refused)
        {
            return refused;
        }

        await Store(Book.Record(Now, actor.PersonId, AuditAction.RoleRemoved, person.Value!, current.HouseholdId, null, current.Role));
        if (current.HouseholdId is not null)
        {
            var resident = current with { Role = UserRole.Resident };
            await member.Enrol(resident, []);
            return resident;
        }

        await member.Leave(CompoundId);
        return new Outcome<CompoundMembership?>(null, null);
    }

    public async Task RecordVehicle(string personId, string plate, bool added)
    {
        var household = (await MembershipOf(GrainFactory.Member(personId)))?.HouseholdId;
        await Store(Book.Record(Now, personId, added ? AuditAction.VehicleAdded : AuditAction.VehicleRemoved, personId, household, plate));
    }

    public async Task<string> Leave(string personId)
    {
        var member = GrainFactory.Member(personId);
        var household = (await MembershipOf(member))?.HouseholdId;

        // One pseudonym for all of the person's entries: staff still see that they were one person, not who.
        var pseudonym = "former-member-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        await Store(Book.Record(Now, personId, AuditAction.Left, personId, household, null).Anonymise(personId, pseudonym));
        await member.Leave(CompoundId);
        return pseudonym;
    }

    /// <summary>
    /// The joiners the stored book still names, past retention or not: a join past retention that the daily prune has not
    /// yet stored away is still the only record of a member (the index's one-time build reads this), and ids go no further.
    /// </summary>
    public Task<IReadOnlyList<string>> GetJoined() => Task.FromResult(state.State.Book.Joiners);

    public Task<IReadOnlyList<AuditEntry>> GetAudit(int limit) =>
        Task.FromResult<IReadOnlyList<AuditEntry>>([.. Book.Audit.Reverse().Take(Math.Clamp(limit, 1, 1000))]);

    public Task<PersonEntries> GetEntriesAbout(string personId)
    {
        var book = Book;
        return Task.FromResult(new PersonEntries(
            [.. book.Audit.Where(e => e.ActorId == personId || e.SubjectId == personId)],
            [.. book.JoinRequests.Where(r => r.PersonId == personId)],
            [.. book.Invites.Where(i => i.RedeemedBy == personId)]));
    }

    public Task<int> GetRetentionDays() => Task.FromResult(state.State.Book.RetentionDays);

    public async Task<Outcome<int>> SetRetentionDays(PeopleActor actor, int days)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var set = Book.SetRetention(days, actor.PersonId, Now);
        if (set.Error is { } error)
        {
            return error;
        }

        await Store(set.Value!);
        return days;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var now = Now;
        await KeepDroppedJoinersIndexed(state.State.Book.Prune(now));
        if (state.State.Prune(now))
        {
            await state.WriteStateAsync();
        }
    }

    /// <summary>
    /// Before the stored book gives way to <paramref name="next"/> (pruned), the joiners it would no longer name go to the
    /// compound's resident index as their member records show them: a resident who joined before the index existed, and
    /// who has neither booked nor opened a notice since, is named by nothing else the compound keeps, so the index's
    /// one-time build could not find them afterwards. (A leaver, whose joins the book anonymises, is told too, then
    /// taken out of the index by their own leave.)
    /// </summary>
    private Task KeepDroppedJoinersIndexed(PeopleBook next) =>
        Task.WhenAll(state.State.Book.JoinersDroppedBy(next).Select(person => ResidentIndex.Tell(GrainFactory, CompoundId, person)));

    /// <summary>Stores the next book, pruned; the first store arms the daily retention reminder.</summary>
    private async Task Store(PeopleBook book)
    {
        var first = !state.RecordExists;
        var now = Now;
        await KeepDroppedJoinersIndexed(book.Prune(now));
        state.State.Keep(book, now);
        await state.WriteStateAsync();
        if (first)
        {
            await this.RegisterOrUpdateReminder(RetentionReminder, TimeSpan.FromDays(1), TimeSpan.FromDays(1));
        }
    }

    private async Task<Outcome<Household>> Household(string? householdId)
    {
        var id = PeopleRules.HouseholdId(householdId);
        if (id.Value is not { } wanted)
        {
            return id.Error!;
        }

        var household = (await GrainFactory.Compound(CompoundId).GetHouseholds()).FirstOrDefault(h => h.Id == wanted);
        return household is null
            ? new DomainError(ErrorKind.NotFound, "household-not-found", $"No household '{householdId}' in compound '{CompoundId}'.", "householdId")
            : household;
    }

    /// <summary>The person's membership of this compound as their member grain keeps it, or null.</summary>
    private async Task<CompoundMembership?> MembershipOf(IMemberGrain member) =>
        (await member.Get()).Memberships.FirstOrDefault(m => m.CompoundId == CompoundId);

    private InviteView View(HouseholdInvite invite) => new(invite, invite.StatusAt(Now));

    private static string NewCode() =>
        new(RandomNumberGenerator.GetItems<char>(PeopleRules.CodeAlphabet, PeopleRules.CodeLength));
}

public sealed class InviteCodeGrain(
    [PersistentState("invite-code", GrainKeys.StorageName)] IPersistentState<InviteCodeState> state) : Grain, IInviteCodeGrain
{
    public async Task<bool> Claim(string compoundId)
    {
        if (!state.State.Claim(compoundId))
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }

    public Task<string?> GetCompound() => Task.FromResult(state.State.CompoundId);
}
