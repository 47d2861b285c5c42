using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parking.Api.Auth;
using Parking.Domain.Gates;
using Parking.Domain.History;
using Parking.Grains.Compounds;
using Parking.Grains.Gates;
using Parking.Domain.Membership;
using Parking.Grains.History;
using Parking.Grains.Membership;
using Parking.Grains.Notices;
using Parking.Grains.Ocpp;
using Parking.Grains.Voting;

namespace Parking.Api.Endpoints;

/// <summary>
/// A compound's people, for its staff (and the sub-district operator): household invites, requests to join, staff and
/// committee accounts, the audit trail of membership changes, and how long history that names a person is kept.
/// </summary>
public static class PeopleEndpoints
{
    public static RouteGroupBuilder MapPeopleEndpoints(this RouteGroupBuilder compound)
    {
        var people = compound.MapGroup("").WithTags("People");
        people.MapPost("/invites", CreateInvite)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Create a one-time invite code for a household (staff); print it and hand it over")
            .WithDescription("validDays: 1-90, default 14. The code is good once, until it expires or is revoked; redeeming it makes the person a resident of the household.");
        people.MapGet("/invites", Invites).RequireAuthorization(Policies.Staff).WithSummary("The compound's invites, newest first, with their status (staff)");
        people.MapGet("/invites/{code}", Invite).RequireAuthorization(Policies.Staff).WithSummary("One invite, as printed on its slip (staff)");
        people.MapPost("/invites/{code}/revoke", Revoke).RequireAuthorization(Policies.Staff).WithSummary("Revoke an open invite (staff)");
        people.MapGet("/join-requests", JoinRequests).RequireAuthorization(Policies.Staff).WithSummary("Requests to join a household, pending first (staff)");
        people.MapPost("/join-requests/{requestId}/approve", Approve).RequireAuthorization(Policies.Staff).WithSummary("Approve a request: the person becomes a resident of the household (staff)");
        people.MapPost("/join-requests/{requestId}/refuse", Refuse).RequireAuthorization(Policies.Staff).WithSummary("Refuse a request, with a reason for the person (staff)");
        people.MapGet("/people", Roster)
            .RequireAuthorization(Policies.PeopleManager)
            .WithSummary("The compound's staff, committee and operator accounts with their roles (staff, operator)");
        people.MapGet("/residents", Residents)
            .RequireAuthorization(Policies.PeopleManager)
            .WithSummary("The compound's residents, searched by name, unit or plate, a page at a time (staff, operator)")
            .WithDescription("q: part of a name, a unit or household id, or a plate (case, spaces and the plate's dot ignored; at most 40 characters); page from 1; pageSize 1-200, default 50. Ordered by unit, then name. The committee gets 403: its work needs no resident's name, unit or plate.");
        people.MapPut("/people/{personId}/role", GrantRole)
            .RequireAuthorization(Policies.PeopleManager)
            .WithSummary("Make a person staff or committee of the compound (staff: committee and staff; operator: both)");
        people.MapDelete("/people/{personId}/role", RemoveRole)
            .RequireAuthorization(Policies.PeopleManager)
            .WithSummary("Take a person's staff or committee role away (staff: committee only; operator: both)");
        people.MapGet("/audit", Audit)
            .RequireAuthorization(Policies.PeopleManager)
            .WithSummary("The audit trail of membership changes, newest first (staff, operator)");
        people.MapGet("/retention", Retention).RequireAuthorization(Policies.PeopleManager).WithSummary("How long history that names a person is kept, in days");
        people.MapPut("/retention", SetRetention).RequireAuthorization(Policies.Staff).WithSummary("Set how long history that names a person is kept: 30-3650 days (staff)");
        return compound;
    }

    /// <summary>What a signed-in person does for themselves, in no compound or across all of theirs.</summary>
    public static IEndpointRouteBuilder MapPersonEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api").WithTags("People").RequireAuthorization().RequireCallerLimit();
        me.MapPost("/invites/redeem", Redeem).WithSummary("Redeem a household invite code: become a resident of that household");
        me.MapPost("/join-requests", AskToJoin).WithSummary("Ask to join a household of a compound; its staff decide");
        me.MapGet("/me", Me).WithSummary("My memberships (one per compound) and vehicles");
        me.MapGet("/me/export", Export).WithSummary("Everything Parking holds about me, as one JSON file (PIPL)");
        me.MapPost("/me/vehicles", AddVehicle).WithSummary("Register a car by its plate (a Chinese plate; a green plate marks it electric)");
        me.MapDelete("/me/vehicles/{plate}", RemoveVehicle).WithSummary("Remove a car from my record");
        me.MapPost("/me/ebikes", AddEBike).WithSummary("Register an e-bike by the name I give it (1-40 characters)");
        me.MapDelete("/me/ebikes/{label}", RemoveEBike).WithSummary("Remove an e-bike from my record");
        me.MapPost("/me/compounds/{compoundId}/leave", Leave)
            .WithSummary("Leave a compound: my membership there ends and what names me there is anonymised; the ledger's balances stay");
        return app;
    }


    private static PeopleActor Actor(HttpContext http)
    {
        var user = http.CurrentUser();
        return new PeopleActor(user.UserId, Enum.Parse<UserRole>(user.Role, ignoreCase: true));
    }

    private static string? Subject(HttpContext http) => http.User.FindFirstValue(CurrentUser.NameClaim);

    public static async Task<Results<Created<InviteDto>, ProblemHttpResult>> CreateInvite(string compoundId, CreateInviteRequest? body, HttpContext http, IGrainFactory grains)
    {
        var created = await grains.People(compoundId).CreateInvite(Actor(http), body?.HouseholdId, body?.ValidDays);
        if (created.Error is { } error)
        {
            return Problems.From(error);
        }

        var dto = ToDto(compoundId, await NameOf(grains, compoundId), created.Value!);
        return TypedResults.Created($"/api/compounds/{compoundId}/invites/{created.Value!.Invite.Code}", dto);
    }

    public static async Task<Ok<InviteDto[]>> Invites(string compoundId, IGrainFactory grains)
    {
        var name = await NameOf(grains, compoundId);
        var invites = await grains.People(compoundId).GetInvites();
        return TypedResults.Ok(invites.OrderByDescending(i => i.Invite.CreatedAt).Select(i => ToDto(compoundId, name, i)).ToArray());
    }

    public static async Task<Results<Ok<InviteDto>, ProblemHttpResult>> Invite(string compoundId, string code, IGrainFactory grains)
    {
        var normal = PeopleRules.NormaliseCode(code);
        if (normal.Error is { } bad)
        {
            return Problems.From(bad);
        }

        var invite = (await grains.People(compoundId).GetInvites()).FirstOrDefault(i => i.Invite.Code == normal.Value);
        return invite is null
            ? Problems.From(DomainError.NotFound("invite-not-found", "No invite has that code in this compound."))
            : TypedResults.Ok(ToDto(compoundId, await NameOf(grains, compoundId), invite));
    }

    public static async Task<Results<Ok<InviteDto>, ProblemHttpResult>> Revoke(string compoundId, string code, HttpContext http, IGrainFactory grains)
    {
        var revoked = await grains.People(compoundId).RevokeInvite(Actor(http), code);
        return revoked.Value is { } invite ? TypedResults.Ok(ToDto(compoundId, await NameOf(grains, compoundId), invite)) : Problems.From(revoked.Error!);
    }

    public static async Task<Ok<JoinRequestDto[]>> JoinRequests(string compoundId, IGrainFactory grains)
    {
        var requests = await grains.People(compoundId).GetJoinRequests();
        return TypedResults.Ok(requests
            .OrderBy(r => r.Status == JoinRequestStatus.Pending ? 0 : 1)
            .ThenByDescending(r => r.At)
            .Select(r => ToDto(compoundId, r))
            .ToArray());
    }

    public static Task<Results<Ok<JoinRequestDto>, ProblemHttpResult>> Approve(string compoundId, string requestId, DecideJoinRequest? body, HttpContext http, IGrainFactory grains) =>
        Decide(compoundId, requestId, approve: true, body?.Reason, http, grains);

    public static Task<Results<Ok<JoinRequestDto>, ProblemHttpResult>> Refuse(string compoundId, string requestId, DecideJoinRequest? body, HttpContext http, IGrainFactory grains) =>
        Decide(compoundId, requestId, approve: false, body?.Reason, http, grains);

    private static async Task<Results<Ok<JoinRequestDto>, ProblemHttpResult>> Decide(string compoundId, string requestId, bool approve, string? reason, HttpContext http, IGrainFactory grains)
    {
        var decided = await grains.People(compoundId).DecideJoin(Actor(http), requestId, approve, reason);
        return decided.Value is { } request ? TypedResults.Ok(ToDto(compoundId, request)) : Problems.From(decided.Error!);
    }

    public static async Task<Results<Ok<MembershipDto>, ProblemHttpResult>> GrantRole(string compoundId, string personId, GrantRoleRequest? body, HttpContext http, IGrainFactory grains)
    {
        if (body?.Role is not { } text || !Enum.TryParse<UserRole>(text, ignoreCase: true, out var role) || int.TryParse(text, out _))
        {
            return Problems.Invalid("role", "role is staff or committee.", "role-not-managed");
        }

        var granted = await grains.People(compoundId).GrantRole(Actor(http), personId, role, body.DisplayName);
        return granted.Value is { } m ? TypedResults.Ok(ToDto(m, await NameOf(grains, compoundId))) : Problems.From(granted.Error!);
    }

    public static async Task<Ok<RosterEntryDto[]>> Roster(string compoundId, IGrainFactory grains) =>
        TypedResults.Ok((await grains.CompoundRoster(compoundId).List())
            .Select(e => new RosterEntryDto(e.PersonId, e.Role.ToDto(), e.DisplayName, e.HouseholdId)).ToArray());

    /// <summary>The longest search text taken: a name, a unit or a plate is far shorter.</summary>
    public const int MaxResidentQuery = ResidentQuery.MaxText;

    /// <summary>
    /// The compound's residents, searched and paged, for its staff and its sub-district's operator. Rows come from the
    /// compound's resident index (<see cref="ResidentIndex"/>) alone, which each person's member grain keeps as they
    /// join, leave or change a name or plate, with their household's unit, so someone who left is never shown and names
    /// and plates are as they are now; which rows match and in what order is <see cref="ResidentQuery"/>'s rule. The
    /// committee gets 403: proposals, votes and reports need no resident's name, unit or plate (least data).
    /// </summary>
    public static async Task<Results<Ok<ResidentPageDto>, ProblemHttpResult>> Residents(string compoundId, string? q, int? page, int? pageSize, IGrainFactory grains)
    {
        var query = ResidentQuery.Parse(q, page, pageSize);
        if (query.Error is { } error)
        {
            return Problems.From(error);
        }

        var found = await ResidentIndex.Search(grains, compoundId, query.Value!);
        return TypedResults.Ok(new ResidentPageDto(found.Total, found.Page, found.PageSize,
            [.. found.Items.Select(ToDto)]));
    }

    /// <summary>A resident as the searches answer them (a compound's own, and the operator's across the sub-district).</summary>
    public static ResidentDto ToDto(ResidentEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new ResidentDto(entry.PersonId, entry.DisplayName, entry.HouseholdId, entry.Unit, entry.BuildingId, [.. entry.Plates]);
    }

    public static async Task<Results<Ok<MembershipDto>, NoContent, ProblemHttpResult>> RemoveRole(string compoundId, string personId, HttpContext http, IGrainFactory grains)
    {
        var removed = await grains.People(compoundId).RemoveRole(Actor(http), personId);
        if (removed.Error is { } error)
        {
            return Problems.From(error);
        }

        return removed.Value is { } m ? TypedResults.Ok(ToDto(m, await NameOf(grains, compoundId))) : TypedResults.NoContent();
    }

    public static async Task<Results<Ok<AuditEntryDto[]>, ProblemHttpResult>> Audit(string compoundId, int? limit, IGrainFactory grains)
    {
        if (limit is < 1 or > 1000)
        {
            return Problems.Invalid("limit", "limit must be between 1 and 1000.");
        }

        var entries = await grains.People(compoundId).GetAudit(limit ?? 200);
        return TypedResults.Ok(entries.Select(ToDto).ToArray());
    }

    public static async Task<Ok<RetentionDto>> Retention(string compoundId, IGrainFactory grains) =>
        TypedResults.Ok(new RetentionDto(await grains.People(compoundId).GetRetentionDays()));

    public static async Task<Results<Ok<RetentionDto>, ProblemHttpResult>> SetRetention(string compoundId, RetentionDto? body, HttpContext http, IGrainFactory grains)
    {
        if (body is null)
        {
            return Problems.Invalid("retentionDays", "retentionDays is required (days, 30-3650).", "retention-out-of-range");
        }

        var set = await grains.People(compoundId).SetRetentionDays(Actor(http), body.RetentionDays);
        return set.Error is { } error ? Problems.From(error) : TypedResults.Ok(new RetentionDto(set.Value));
    }

    public static async Task<Results<Ok<MembershipDto>, ProblemHttpResult>> Redeem(RedeemInviteRequest? body, HttpContext http, IGrainFactory grains)
    {
        var code = PeopleRules.NormaliseCode(body?.Code);
        if (code.Error is { } bad)
        {
            return Problems.From(bad);
        }

        if (Subject(http) is not { } person)
        {
            return Problems.Forbidden("The token does not say who you are (sub).");
        }

        if (await grains.InviteCode(code.Value!).GetCompound() is not { } compoundId)
        {
            return Problems.From(new DomainError(ErrorKind.NotFound, "invite-not-found", "No invite has that code.", "code"));
        }

        var redeemed = await grains.People(compoundId).RedeemInvite(code.Value!, person, body!.DisplayName);
        return redeemed.Value is { } m ? TypedResults.Ok(ToDto(m, await NameOf(grains, compoundId))) : Problems.From(redeemed.Error!);
    }

    public static async Task<Results<Created<JoinRequestDto>, ProblemHttpResult>> AskToJoin(AskToJoinRequest? body, HttpContext http, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(body?.CompoundId))
        {
            return Problems.Invalid("compoundId", "compoundId is required: the compound of the household.", "compound-required");
        }

        if (Subject(http) is not { } person)
        {
            return Problems.Forbidden("The token does not say who you are (sub).");
        }

        var compounds = await grains.CompoundDirectory().List();
        if (compounds.All(c => c.CompoundId != body.CompoundId))
        {
            return Problems.From(new DomainError(ErrorKind.NotFound, "compound-not-found", $"No compound '{body.CompoundId}'.", "compoundId"));
        }

        var asked = await grains.People(body.CompoundId).AskToJoin(person, body.DisplayName, body.HouseholdId, body.Note);
        return asked.Value is { } r
            ? TypedResults.Created($"/api/compounds/{body.CompoundId}/join-requests/{r.Id}", ToDto(body.CompoundId, r))
            : Problems.From(asked.Error!);
    }

    public static async Task<Results<Ok<MeDto>, ProblemHttpResult>> Me(HttpContext http, IGrainFactory grains)
    {
        if (Subject(http) is not { } person)
        {
            return Problems.Forbidden("The token does not say who you are (sub).");
        }

        var record = await grains.Member(person).Get();
        var names = await Names(grains);
        return TypedResults.Ok(new MeDto(person, [.. record.Memberships.Select(m => ToDto(m, names.GetValueOrDefault(m.CompoundId, m.CompoundId)))], [.. record.Vehicles.Select(ToDto)]));
    }

    /// <summary>
    /// Everything Parking holds about the person, reachable from their record: memberships and vehicles; per compound
    /// their reservations, metered charging sessions of the retention period, and what the people book holds about
    /// them (audit entries, join requests, invites they redeemed).
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Export(
        HttpContext http, IGrainFactory grains, IChargingHistory history, ParkingClock time, CancellationToken cancellationToken)
    {
        if (Subject(http) is not { } person)
        {
            return Problems.Forbidden("The token does not say who you are (sub).");
        }

        var now = time.GetUtcNow();
        var record = await grains.Member(person).Get();
        var names = await Names(grains);
        var compounds = new List<CompoundPersonalDataDto>();
        foreach (var compoundId in record.Memberships.Select(m => m.CompoundId).Distinct())
        {
            var people = grains.People(compoundId);
            var retention = await people.GetRetentionDays();
            var reservations = await grains.Resident(compoundId, person).GetReservations();
            var sessions = await history.Query(new ChargingSessionQuery(compoundId, now.AddDays(-retention), now, ResidentId: person, Limit: 10_000), cancellationToken);
            var entries = await people.GetEntriesAbout(person);
            var name = names.GetValueOrDefault(compoundId, compoundId);
            compounds.Add(new CompoundPersonalDataDto(
                compoundId,
                [.. reservations.Select(r => r.ToDto())],
                [.. sessions.Select(ChargingHistoryEndpoints.ToDto)],
                [.. entries.Audit.Select(ToDto)],
                [.. entries.JoinRequests.Select(r => ToDto(compoundId, r))],
                [.. entries.InvitesRedeemed.Select(i => ToDto(compoundId, name, new InviteView(i, i.StatusAt(now))))])
            {
                ChargingRequests = await ChargingRequestsOf(grains, compoundId, person),
                ShelterSessions = await ShelterSessionsOf(grains, compoundId, person, now),
                Notices = [.. (await grains.NoticeInbox(compoundId, person).Get()).Entries.Reverse().Select(NoticeEndpoints.ToDto)],
                RoundRequests = [.. (await grains.Rounds(compoundId).GetOpenRound()).Requests.Where(r => r.Asker.ResidentId == person).Select(r => r.ToDto())],
                Waitlist = [.. (await grains.Rounds(compoundId).GetWaitlist()).Where(e => e.Asker.ResidentId == person).Select(e => e.ToDto())],
                VisitorPasses = await VisitorPassesOf(grains, compoundId, record, person, now),
                Ballots = await BallotsOf(grains, compoundId, record, person),
                HouseholdCredits = await HouseholdCreditsOf(grains, compoundId, record),
            });
        }

        var export = new PersonalDataExportDto(
            person,
            now,
            [.. record.Memberships.Select(m => ToDto(m, names.GetValueOrDefault(m.CompoundId, m.CompoundId)))],
            [.. record.Vehicles.Select(ToDto)],
            compounds);
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(export, ExportJson);
        return TypedResults.File(json, "application/json", $"parking-personal-data-{now:yyyyMMdd}.json");
    }

    /// <summary>The household's credit account (balance and newest transactions), for a person who is its resident.</summary>
    private static async Task<CreditAccountDto?> HouseholdCreditsOf(IGrainFactory grains, string compoundId, MemberRecord record)
    {
        if (record.Memberships.FirstOrDefault(m => m.CompoundId == compoundId)?.HouseholdId is not { } household)
        {
            return null;
        }

        return (await grains.HouseholdLedger(compoundId, household).GetAccount(CreditEndpoints.MaxLimit)).ToDto();
    }

    private static async Task<IReadOnlyList<ChargingRequestDto>> ChargingRequestsOf(IGrainFactory grains, string compoundId, string person)
    {
        var areas = await grains.Compound(compoundId).GetChargingAreas();
        var requests = await Task.WhenAll(areas.Select(a => grains.ChargingArea(compoundId, a.AreaId).GetRequestsOf(person)));
        return [.. requests.SelectMany(r => r).OrderByDescending(r => r.CreatedAt).Select(r => r.ToDto())];
    }

    private static async Task<IReadOnlyList<ShelterSessionDto>> ShelterSessionsOf(IGrainFactory grains, string compoundId, string person, DateTimeOffset now)
    {
        var shelters = await grains.Compound(compoundId).GetShelters();
        var sessions = await Task.WhenAll(shelters.Select(s => grains.Shelter(compoundId, s.ShelterId).GetSessionsOf(person)));
        return [.. sessions.SelectMany(s => s).OrderByDescending(s => s.StartedAt).Select(s => s.ToDto(now))];
    }

    /// <summary>The passes the person booked, from their household's passes of the current week.</summary>
    private static async Task<IReadOnlyList<VisitorPassDto>> VisitorPassesOf(IGrainFactory grains, string compoundId, MemberRecord record, string person, DateTimeOffset now)
    {
        if (record.Memberships.FirstOrDefault(m => m.CompoundId == compoundId)?.HouseholdId is not { } household)
        {
            return [];
        }

        var passes = await grains.VisitorPasses(compoundId, household).Get(now);
        return [.. passes.Passes.Where(p => p.ResidentId == person).Select(p => p.ToDto())];
    }

    private static async Task<IReadOnlyList<BallotAuditEntryDto>> BallotsOf(IGrainFactory grains, string compoundId, MemberRecord record, string person)
    {
        if (record.Memberships.FirstOrDefault(m => m.CompoundId == compoundId)?.HouseholdId is not { } household)
        {
            return [];
        }

        var ids = await grains.Proposals(compoundId).GetProposalIds();
        var ballots = await Task.WhenAll(ids.Select(id => grains.Proposal(compoundId, id).GetBallot(household)));
        return [.. ballots.Where(b => b.Value is not null).SelectMany(b => b.Value!.History).Where(h => h.UserId == person).Select(h => h.ToDto())];
    }

    private static readonly System.Text.Json.JsonSerializerOptions ExportJson = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new EnumNameConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<Results<Ok<MeDto>, ProblemHttpResult>> AddVehicle(AddVehicleRequest? body, HttpContext http, IGrainFactory grains)
    {
        if (Subject(http) is not { } person)
        {
            return Problems.Forbidden("The token does not say who you are (sub).");
        }

        var member = grains.Member(person);
        var before = await member.Get();
        var added = await member.AddCar(body?.Plate, body?.IsElectric ?? false);
        if (added.Error is { } error)
        {
            return Problems.From(error);
        }

        var record = added.Value!;
        if (record.Vehicles.Count != before.Vehicles.Count)
        {
            var plate = record.Vehicles[^1].Plate?.Value ?? string.Empty;
            await Task.WhenAll(record.Memberships.Select(m => grains.People(m.CompoundId).RecordVehicle(person, plate, added: true)));
        }

        return await Me(http, grains);
    }

    public static async Task<Results<Ok<MeDto>, ProblemHttpResult>> RemoveVehicle(string plate, HttpContext http, IGrainFactory grains)
    {
        if (Subject(http) is not { } person)
        {
            return Problems.Forbidden("The token does not say who you are (sub).");
        }

        var removed = await grains.Member(person).RemoveCar(plate);
        if (removed.Error is { } error)
        {
            return Problems.From(error);
        }

        var canonical = Plate.Parse(plate).Value.Value;
        await Task.WhenAll(removed.Value!.Memberships.Select(m => grains.People(m.CompoundId).RecordVehicle(person, canonical, added: false)));
        return await Me(http, grains);
    }

    public static async Task<Results<Ok<MeDto>, ProblemHttpResult>> AddEBike(AddEBikeRequest? body, HttpContext http, IGrainFactory grains)
    {
        if (Subject(http) is not { } person)
        {
            return Problems.Forbidden("The token does not say who you are (sub).");
        }

        var member = grains.Member(person);
        var before = await member.Get();
        var added = await member.AddEBike(body?.Label);
        if (added.Error is { } error)
        {
            return Problems.From(error);
        }

        if (added.Value!.Vehicles.Count != before.Vehicles.Count)
        {
            var label = "e-bike " + added.Value.Vehicles[^1].Label;
            await Task.WhenAll(added.Value.Memberships.Select(m => grains.People(m.CompoundId).RecordVehicle(person, label, added: true)));
        }

        return await Me(http, grains);
    }

    public static async Task<Results<Ok<MeDto>, ProblemHttpResult>> RemoveEBike(string label, HttpContext http, IGrainFactory grains)
    {
        if (Subject(http) is not { } person)
        {
            return Problems.Forbidden("The token does not say who you are (sub).");
        }

        var removed = await grains.Member(person).RemoveEBike(label);
        if (removed.Error is { } error)
        {
            return Problems.From(error);
        }

        await Task.WhenAll(removed.Value!.Memberships.Select(m => grains.People(m.CompoundId).RecordVehicle(person, "e-bike " + label.Trim(), added: false)));
        return await Me(http, grains);
    }

    public static async Task<Results<Ok<MeDto>, ProblemHttpResult>> Leave(
        string compoundId, HttpContext http, IGrainFactory grains, IReservationHistory reservations, IChargingHistory charging, CancellationToken cancellationToken)
    {
        if (Subject(http) is not { } person)
        {
            return Problems.Forbidden("The token does not say who you are (sub).");
        }

        var record = await grains.Member(person).Get();
        if (record.Memberships.All(m => m.CompoundId != compoundId))
        {
            return Problems.From(DomainError.NotFound("not-a-member", $"You are not a member of compound '{compoundId}'."));
        }

        var plates = await GatePlatesOf(grains, compoundId, person, record);
        await EndWhatIsLive(grains, compoundId, person);
        var pseudonym = await grains.People(compoundId).Leave(person);

        // The histories keep what happened (reports still count it) under the same pseudonym as the people book.
        await reservations.Anonymise(compoundId, person, pseudonym, cancellationToken);
        await charging.Anonymise(compoundId, person, pseudonym, cancellationToken);

        // No record keyed by the person stays in the compound: the bookings on the spaces take the pseudonym, their
        // resident record, notices, devices and preferences go. What the leave itself set off (cancellations,
        // notices) arrives one way later and finds them no longer a member, so it writes nothing back.
        await grains.Resident(compoundId, person).Depart(pseudonym);
        await AnonymiseFinished(grains, compoundId, person, pseudonym, plates);
        await grains.NoticeInbox(compoundId, person).Depart();
        await grains.HistoryRetention(compoundId).Forget(person);
        return await Me(http, grains);
    }

    /// <summary>
    /// Nothing of a person who leaves stays live in the compound: their bookings not yet checked in are cancelled (as
    /// they would cancel them, with the refund that brings), their open charging requests withdrawn and their e-bike
    /// charges stopped. A car already checked in stays checked in: it is physically there.
    /// </summary>
    private static async Task EndWhatIsLive(IGrainFactory grains, string compoundId, string person)
    {
        var actor = new Actor(person, IsStaff: false);
        var reservations = await grains.Resident(compoundId, person).GetReservations();
        foreach (var reservation in reservations.Where(r => r.Status == ReservationStatus.Reserved))
        {
            await grains.Space(compoundId, reservation.SpaceId).Cancel(reservation.Id, actor);
        }

        foreach (var area in await grains.Compound(compoundId).GetChargingAreas())
        {
            var charging = grains.ChargingArea(compoundId, area.AreaId);
            foreach (var request in (await charging.GetRequestsOf(person)).Where(r => r.IsActive))
            {
                await charging.Cancel(request.Id, actor);
            }
        }

        foreach (var shelter in await grains.Compound(compoundId).GetShelters())
        {
            var grain = grains.Shelter(compoundId, shelter.ShelterId);
            foreach (var session in (await grain.GetSessionsOf(person)).Where(s => s.IsActive))
            {
                await grain.StopSession(session.SessionId, actor);
            }
        }
    }

    /// <summary>
    /// The plates that name the person at the gate: their cars' and those of their bookings here (canonical spelling),
    /// read before the leave cancels the bookings.
    /// </summary>
    private static async Task<HashSet<string>> PlatesOf(IGrainFactory grains, string compoundId, string person, MemberRecord record)
    {
        var plates = record.Vehicles.Where(v => v.Plate is not null).Select(v => v.Plate!.Value.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var reservation in await grains.Resident(compoundId, person).GetReservations())
        {
            if (PlateNumber.Normalize(reservation.Plate) is { } plate)
            {
                plates.Add(plate);
            }
        }

        return plates;
    }

    /// <summary>
    /// The plates whose decided gate events lose plate and picture when the person leaves: theirs (<see cref="PlatesOf"/>)
    /// but for a car someone else of the compound has registered too: a resident, read from the resident index before
    /// the leave takes the person's own entry out of it, or an account of the roster (staff, committee, operators; a few
    /// records, read whole); and but for a plate someone else has a live booking with (a visitor another resident
    /// still expects), read from the gate's plate index.
    /// </summary>
    private static async Task<IReadOnlySet<string>> GatePlatesOf(IGrainFactory grains, string compoundId, string person, MemberRecord record)
    {
        var plates = await PlatesOf(grains, compoundId, person, record);
        var holders = new List<ResidentEntry>();
        var bookings = new List<(string PersonId, string Plate)>();
        foreach (var plate in plates)
        {
            holders.AddRange(await ResidentIndex.Search(grains, compoundId, ResidentIndex.Searchable(plate)));
            bookings.AddRange((await grains.PlateIndex(compoundId).BookersOf(plate)).Select(booker => (booker, plate)));
        }

        var accounts = (await grains.CompoundRoster(compoundId).List())
            .Select(a => a.PersonId)
            .Where(id => !string.Equals(id, person, StringComparison.Ordinal))
            .ToList();
        var records = await Task.WhenAll(accounts.Select(id => grains.Member(id).Get()));
        var cars = accounts.Zip(records, (id, r) => (id, r.Vehicles.Where(v => v.Plate is not null).Select(v => v.Plate!.Value.Value)));
        return LeaverPlates.ToAnonymise(person, plates, holders, cars, bookings);
    }

    /// <summary>
    /// What staff still read stays until pruned: the charging areas' finished requests, the charge points' sessions,
    /// the shelters' ended sessions and the gate events staff decided. It takes the pseudonym now (plate, card, picture
    /// and bike name gone), not at its pruning or the retention sweep; the person's charging cards go.
    /// </summary>
    private static async Task AnonymiseFinished(IGrainFactory grains, string compoundId, string person, string pseudonym, IReadOnlyCollection<string> plates)
    {
        var areas = await grains.Compound(compoundId).GetChargingAreas();
        foreach (var area in areas)
        {
            await grains.ChargingArea(compoundId, area.AreaId).Anonymise(person, pseudonym);
        }

        foreach (var charger in areas.SelectMany(a => a.Chargers))
        {
            await grains.ChargePoint(compoundId, charger.ChargerId).Anonymise(person, pseudonym);
        }

        await grains.ChargingCards(compoundId).Forget(person);
        await grains.GateReviews(compoundId).Anonymise(plates);

        foreach (var shelter in await grains.Compound(compoundId).GetShelters())
        {
            await grains.Shelter(compoundId, shelter.ShelterId).Anonymise(person, pseudonym);
        }
    }

    private static async Task<Dictionary<string, string>> Names(IGrainFactory grains) =>
        (await grains.CompoundDirectory().List()).ToDictionary(c => c.CompoundId, c => c.Name, StringComparer.Ordinal);

    private static async Task<string> NameOf(IGrainFactory grains, string compoundId) =>
        (await Names(grains)).GetValueOrDefault(compoundId, compoundId);

    private static InviteDto ToDto(string compoundId, string compoundName, InviteView view)
    {
        var i = view.Invite;
        return new InviteDto(PeopleRules.Printable(i.Code), compoundId, compoundName, i.HouseholdId, i.Unit, i.BuildingId, i.CreatedAt, i.ExpiresAt, view.Status.ToDto(), i.CreatedBy, i.RedeemedBy, i.ClosedAt);
    }

    private static JoinRequestDto ToDto(string compoundId, JoinRequest r) =>
        new(r.Id, compoundId, r.PersonId, r.DisplayName, r.HouseholdId, r.BuildingId, r.Note, r.At, r.Status.ToDto(), r.DecidedBy, r.DecidedAt, r.Reason);

    // A role change's detail is the role's wire word (staff, committee), as earlier builds stored it.
    private static AuditEntryDto ToDto(AuditEntry e) =>
        new(e.Sequence, e.At, e.ActorId, e.Action.ToDto(), e.SubjectId, e.HouseholdId, e.Role is { } role ? role.ToDto().WireName() : e.Detail);

    private static MembershipDto ToDto(CompoundMembership m, string compoundName) =>
        new(m.CompoundId, compoundName, m.Role.ToDto(), m.DisplayName, m.HouseholdId, m.BuildingId);

    private static VehicleDto ToDto(MemberVehicle v) => new(v.Type.Wire(), v.Plate?.Value, v.IsElectric, v.Label);
}
