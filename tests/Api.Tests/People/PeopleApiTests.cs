using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.CompoundFiles;
using Parking.Domain.History;
using Parking.Domain.Reservations;
using Parking.Domain.Seeding;
using Parking.Grains;
using Parking.Grains.History;
using Parking.Grains.Notices;
using Xunit;

namespace Parking.Api.Tests.People;

/// <summary>A host of its own: these tests change who belongs to the demo compound, and move its clock by weeks.</summary>
/// <remarks>Product defaults: a resident who books and cancels some fifty times in a row meets the per-user limit, and the
/// test's client waits out each 429 as its Retry-After says (PersonTokens.SendAsPersonAsync).</remarks>
public sealed class PeopleHostFixture : OwnHostFixture;

/// <summary>
/// Invites, join requests, roles, the audit trail, the personal-data export, leaving and retention, through HTTP with
/// tokens as an outside issuer signs them (only <c>sub</c>): every right comes from what Parking stores. Those tokens
/// are signed on the real clock, so the host's fake clock can be moved by days.
/// </summary>
public sealed class PeopleApiTests(PeopleHostFixture fixture) : IClassFixture<PeopleHostFixture>
{
    private const string Staff = "staff01";
    private readonly ParkingHost _host = fixture.Host;

    private static string Path(string relative) => ParkingHost.CompoundPath(relative);

    private static string Token(string subject) => PersonTokens.SubOnly(subject);

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, string person, object? body = null) =>
        _host.SendAsPersonAsync(method, path, person, body);

    private Task<T> Ok<T>(HttpMethod method, string path, string person, object? body = null, HttpStatusCode status = HttpStatusCode.OK) =>
        _host.OkAsPersonAsync<T>(method, path, person, body, status);

    private Task<InviteDto> Invite(string household, int? days = null) =>
        Ok<InviteDto>(HttpMethod.Post, Path("invites"), Staff, new CreateInviteRequest(household, days), HttpStatusCode.Created);

    private Task<AuditEntryDto[]> Audit(string person = Staff) => Ok<AuditEntryDto[]>(HttpMethod.Get, Path("audit?limit=1000"), person);

    private static string NewPerson() => "person-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Staff_invite_a_household_a_newcomer_redeems_it_once_and_both_are_audited()
    {
        var newcomer = NewPerson();
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, Path("reservations/mine"), newcomer)).StatusCode);

        var invite = await Invite("H00007", days: 7);
        Assert.Matches("^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{2}$", invite.Code);
        Assert.Equal(("H00007", InviteStatusDto.Open, "demo-small"), (invite.HouseholdId, invite.Status, invite.CompoundId));
        Assert.Equal(_host.Now.AddDays(7), invite.ExpiresAt);
        Assert.False(string.IsNullOrEmpty(invite.Unit));
        var slip = await Ok<InviteDto>(HttpMethod.Get, Path($"invites/{invite.Code}"), Staff);
        Assert.Equal(invite.Code, slip.Code);

        var membership = await Ok<MembershipDto>(HttpMethod.Post, "/api/invites/redeem", newcomer, new RedeemInviteRequest(invite.Code.ToLowerInvariant(), "Zhang Wei"));
        Assert.Equal(("demo-small", UserRoleDto.Resident, "H00007", "Zhang Wei"), (membership.CompoundId, membership.Role, membership.HouseholdId, membership.DisplayName));
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, Path("reservations/mine"), newcomer)).StatusCode);

        // Single use: a second person, or the same one again, is told it was used.
        using var second = await Send(HttpMethod.Post, "/api/invites/redeem", NewPerson(), new RedeemInviteRequest(invite.Code, "Li Na"));
        await ProblemAssert.Expect(second, HttpStatusCode.Conflict, "invite-used", "code");

        var audit = await Audit();
        var created = Assert.Single(audit, e => e.Action == AuditActionDto.InviteCreated && e.Detail!.StartsWith(invite.Code, StringComparison.Ordinal));
        Assert.Equal((Staff, "H00007"), (created.ActorId, created.HouseholdId));
        var redeemed = Assert.Single(audit, e => e.Action == AuditActionDto.InviteRedeemed && e.SubjectId == newcomer);
        Assert.Equal(_host.Now, redeemed.At);
        Assert.Equal(InviteStatusDto.Redeemed, (await Ok<InviteDto>(HttpMethod.Get, Path($"invites/{invite.Code}"), Staff)).Status);
    }

    [Fact]
    public async Task Bad_input_names_the_field_and_changes_nothing()
    {
        var invitesBefore = (await Ok<InviteDto[]>(HttpMethod.Get, Path("invites"), Staff)).Length;
        var auditBefore = (await Audit()).Length;

        await ProblemAssert.Expect(await Send(HttpMethod.Post, Path("invites"), Staff, new CreateInviteRequest(null, null)), HttpStatusCode.BadRequest, "household-required", "householdId");
        await ProblemAssert.Expect(await Send(HttpMethod.Post, Path("invites"), Staff, new CreateInviteRequest("H99999", null)), HttpStatusCode.NotFound, "household-not-found", "householdId");
        await ProblemAssert.Expect(await Send(HttpMethod.Post, Path("invites"), Staff, new CreateInviteRequest("H00001", 0)), HttpStatusCode.BadRequest, "invite-days-out-of-range", "validDays");
        await ProblemAssert.Expect(await Send(HttpMethod.Post, Path("invites"), Staff, new CreateInviteRequest("H00001", 91)), HttpStatusCode.BadRequest, "invite-days-out-of-range", "validDays");
        await ProblemAssert.Expect(await Send(HttpMethod.Post, "/api/invites/redeem", NewPerson(), new RedeemInviteRequest("ABC", "Li")), HttpStatusCode.BadRequest, "invite-code-malformed", "code");
        await ProblemAssert.Expect(await Send(HttpMethod.Post, "/api/invites/redeem", NewPerson(), new RedeemInviteRequest("ZZZZ-ZZZZ-ZZ", "Li")), HttpStatusCode.NotFound, "invite-not-found", "code");
        var invite = await Invite("H00002");
        invitesBefore++;
        auditBefore++;
        await ProblemAssert.Expect(await Send(HttpMethod.Post, "/api/invites/redeem", NewPerson(), new RedeemInviteRequest(invite.Code, "  ")), HttpStatusCode.BadRequest, "display-name-required", "displayName");
        await ProblemAssert.Expect(await Send(HttpMethod.Post, "/api/join-requests", NewPerson(), new AskToJoinRequest("demo-small", "H00002", "Li", new string('x', 501))), HttpStatusCode.BadRequest, "note-too-long", "note");
        await ProblemAssert.Expect(await Send(HttpMethod.Post, "/api/join-requests", NewPerson(), new AskToJoinRequest("nowhere", "H00002", "Li", null)), HttpStatusCode.NotFound, "compound-not-found", "compoundId");
        await ProblemAssert.Expect(await Send(HttpMethod.Put, Path("people/someone/role"), Staff, new GrantRoleRequest("resident", "X")), HttpStatusCode.BadRequest, "role-not-managed", "role");
        await ProblemAssert.Expect(await Send(HttpMethod.Put, Path("retention"), Staff, new RetentionDto(10)), HttpStatusCode.BadRequest, "retention-out-of-range", "retentionDays");
        await ProblemAssert.Expect(await Send(HttpMethod.Post, "/api/me/vehicles", "r00003", new AddVehicleRequest("AB-123", false)), HttpStatusCode.BadRequest, field: "plate");

        Assert.Equal(invitesBefore, (await Ok<InviteDto[]>(HttpMethod.Get, Path("invites"), Staff)).Length);
        Assert.Equal(auditBefore, (await Audit()).Length);
        Assert.Equal(InviteStatusDto.Open, (await Ok<InviteDto>(HttpMethod.Get, Path($"invites/{invite.Code}"), Staff)).Status);
    }

    [Fact]
    public async Task A_revoked_or_expired_invite_cannot_be_redeemed()
    {
        var revoked = await Invite("H00003");
        await Ok<InviteDto>(HttpMethod.Post, Path($"invites/{revoked.Code}/revoke"), Staff);
        await ProblemAssert.Expect(await Send(HttpMethod.Post, "/api/invites/redeem", NewPerson(), new RedeemInviteRequest(revoked.Code, "Li")), HttpStatusCode.Conflict, "invite-revoked", "code");

        var expiring = await Invite("H00004", days: 1);
        _host.Time.Advance(TimeSpan.FromDays(1));
        var person = NewPerson();
        await ProblemAssert.Expect(await Send(HttpMethod.Post, "/api/invites/redeem", person, new RedeemInviteRequest(expiring.Code, "Li")), HttpStatusCode.Conflict, "invite-expired", "code");
        Assert.Equal(InviteStatusDto.Expired, (await Ok<InviteDto>(HttpMethod.Get, Path($"invites/{expiring.Code}"), Staff)).Status);
        Assert.Empty((await Ok<MeDto>(HttpMethod.Get, "/api/me", person)).Memberships);
    }

    [Fact]
    public async Task Residents_and_committee_cannot_reach_staff_routes_and_staff_only_their_own_compound()
    {
        foreach (var person in new[] { "r00001", "committee01" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, Path("invites"), person, new CreateInviteRequest("H00001", null))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, Path("audit"), person)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, Path("join-requests"), person)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, "/api/compounds/elsewhere/audit", Staff)).StatusCode);
    }

    [Fact]
    public async Task Staff_search_residents_by_name_unit_or_plate_a_page_at_a_time_and_only_their_own_compounds()
    {
        var all = await Ok<ResidentPageDto>(HttpMethod.Get, Path("residents?pageSize=200"), Staff);
        Assert.True(all.Total > 10, all.ToString());
        Assert.Equal(all.Total, all.Items.Length);
        Assert.Contains(all.Items, r => r.PersonId == "r00001");
        Assert.DoesNotContain(all.Items, r => r.PersonId is Staff or "committee01" or "operator01");
        Assert.Equal(all.Items.Select(r => r.Unit).Order(StringComparer.Ordinal), all.Items.Select(r => r.Unit));

        // Pages follow each other in the same order.
        var first = await Ok<ResidentPageDto>(HttpMethod.Get, Path("residents?page=1&pageSize=4"), Staff);
        var second = await Ok<ResidentPageDto>(HttpMethod.Get, Path("residents?page=2&pageSize=4"), Staff);
        Assert.Equal((all.Total, 4), (second.Total, second.Items.Length));
        Assert.Equal(all.Items.Take(8).Select(r => r.PersonId), first.Items.Concat(second.Items).Select(r => r.PersonId));

        // By plate (typed in lower case with a space), by unit, by part of a name.
        var driver = all.Items.First(r => r.Plates.Length > 0);
        var plate = driver.Plates[0];
        var byPlate = await Ok<ResidentPageDto>(HttpMethod.Get, Path($"residents?q={Uri.EscapeDataString(plate[..2] + " " + plate[2..].ToLowerInvariant())}"), Staff);
        Assert.Contains(byPlate.Items, r => r.PersonId == driver.PersonId);
        Assert.All(byPlate.Items, r => Assert.Contains(r.Plates, p => p.Replace(" ", "", StringComparison.Ordinal).Contains(plate[2..], StringComparison.OrdinalIgnoreCase)));
        var byUnit = await Ok<ResidentPageDto>(HttpMethod.Get, Path($"residents?q={Uri.EscapeDataString(driver.Unit!)}"), Staff);
        Assert.Contains(byUnit.Items, r => r.PersonId == driver.PersonId);
        Assert.All(byUnit.Items, r => Assert.Equal(driver.Unit, r.Unit));

        // A newcomer is found by name once they joined, and not after they left.
        var newcomer = NewPerson();
        var invite = await Invite("H00009");
        await Ok<MembershipDto>(HttpMethod.Post, "/api/invites/redeem", newcomer, new RedeemInviteRequest(invite.Code, "Gu Xiaoyu"));
        var joined = await Ok<ResidentPageDto>(HttpMethod.Get, Path("residents?q=xiaoyu"), Staff);
        Assert.Equal(newcomer, Assert.Single(joined.Items).PersonId);
        using (var left = await Send(HttpMethod.Post, "/api/me/compounds/demo-small/leave", newcomer))
        {
            Assert.True(left.IsSuccessStatusCode, left.StatusCode.ToString());
        }

        Assert.Empty((await Ok<ResidentPageDto>(HttpMethod.Get, Path("residents?q=xiaoyu"), Staff)).Items);

        // The operator of the sub-district reads it too; residents and the committee do not (least data); staff only their own compound.
        Assert.Equal(all.Total, (await Ok<ResidentPageDto>(HttpMethod.Get, Path("residents?pageSize=1"), "operator01")).Total);
        foreach (var person in new[] { "r00001", "committee01" })
        {
            await ProblemAssert.Expect(await Send(HttpMethod.Get, Path("residents"), person), HttpStatusCode.Forbidden);
        }

        await ProblemAssert.Expect(await Send(HttpMethod.Get, "/api/compounds/elsewhere/residents", Staff), HttpStatusCode.Forbidden);
        await ProblemAssert.Expect(await Send(HttpMethod.Get, Path("residents?pageSize=0"), Staff), HttpStatusCode.BadRequest, "page-size-out-of-range", "pageSize");
        await ProblemAssert.Expect(await Send(HttpMethod.Get, Path($"residents?q={new string('x', 41)}"), Staff), HttpStatusCode.BadRequest, "query-too-long", "q");
    }

    [Fact]
    public async Task A_page_past_the_last_is_empty_and_a_page_that_is_not_a_number_is_refused_naming_page()
    {
        var all = await Ok<ResidentPageDto>(HttpMethod.Get, Path("residents?pageSize=200"), Staff);

        // The largest page number once made the rows to skip overflow and showed the first page again.
        var past = await Ok<ResidentPageDto>(HttpMethod.Get, Path($"residents?page={int.MaxValue}&pageSize=200"), Staff);
        Assert.Equal((all.Total, int.MaxValue), (past.Total, past.Page));
        Assert.Empty(past.Items);

        await ProblemAssert.Expect(await Send(HttpMethod.Get, Path("residents?page=0"), Staff), HttpStatusCode.BadRequest, "page-out-of-range", "page");
        await ProblemAssert.Expect(await Send(HttpMethod.Get, Path("residents?page=two"), Staff), HttpStatusCode.BadRequest, "malformed-request", "page");
        await ProblemAssert.Expect(await Send(HttpMethod.Get, Path("residents?pageSize=lots"), Staff), HttpStatusCode.BadRequest, "malformed-request", "pageSize");
    }

    [Fact]
    public async Task A_resident_who_joined_long_ago_is_found_after_a_thousand_later_changes_and_by_a_plate_added_since()
    {
        var earlyJoiner = NewPerson();
        var invite = await Invite("H00012");
        await Ok<MembershipDto>(HttpMethod.Post, "/api/invites/redeem", earlyJoiner, new RedeemInviteRequest(invite.Code, "Lu Wanqing"));

        // A busy compound: more than a thousand audited changes since the join (cars registered and removed by a
        // resident, recorded as the vehicle routes record them), so the join is no longer among the newest entries.
        var people = _host.Grains.People("demo-small");
        for (var i = 0; i < 1_001; i++)
        {
            await people.RecordVehicle("r00001", "e-bike bike " + i, added: i % 2 == 0);
        }

        Assert.DoesNotContain(await Audit(), e => e.SubjectId == earlyJoiner);
        var found = await Ok<ResidentPageDto>(HttpMethod.Get, Path("residents?q=wanqing"), Staff);
        Assert.Equal(earlyJoiner, Assert.Single(found.Items).PersonId);
        Assert.Equal("H00012", found.Items[0].HouseholdId);

        // A plate registered afterwards is searchable at once.
        await Ok<MeDto>(HttpMethod.Post, "/api/me/vehicles", earlyJoiner, new AddVehicleRequest("沪B·7Q2K9", false));
        var byPlate = await Ok<ResidentPageDto>(HttpMethod.Get, Path("residents?q=b7q2k9"), Staff);
        Assert.Equal(earlyJoiner, Assert.Single(byPlate.Items).PersonId);
    }

    [Fact]
    public async Task A_join_request_is_approved_or_refused_by_staff_once()
    {
        var ann = NewPerson();
        var bob = NewPerson();
        var asked = await Ok<JoinRequestDto>(HttpMethod.Post, "/api/join-requests", ann, new AskToJoinRequest("demo-small", "H00010", "Ann", "tenant since May"), HttpStatusCode.Created);
        var other = await Ok<JoinRequestDto>(HttpMethod.Post, "/api/join-requests", bob, new AskToJoinRequest("demo-small", "H00011", "Bob", null), HttpStatusCode.Created);
        await ProblemAssert.Expect(await Send(HttpMethod.Post, "/api/join-requests", ann, new AskToJoinRequest("demo-small", "H00010", "Ann", null)), HttpStatusCode.Conflict, "join-request-pending");

        var pending = await Ok<JoinRequestDto[]>(HttpMethod.Get, Path("join-requests"), Staff);
        Assert.Contains(pending, r => r.Id == asked.Id && r is { Status: JoinRequestStatusDto.Pending, Note: "tenant since May" });

        var approved = await Ok<JoinRequestDto>(HttpMethod.Post, Path($"join-requests/{asked.Id}/approve"), Staff, new DecideJoinRequest(null));
        Assert.Equal((JoinRequestStatusDto.Approved, Staff), (approved.Status, approved.DecidedBy));
        var me = await Ok<MeDto>(HttpMethod.Get, "/api/me", ann);
        Assert.Equal(("demo-small", UserRoleDto.Resident, "H00010"), (me.Memberships[0].CompoundId, me.Memberships[0].Role, me.Memberships[0].HouseholdId));

        await Ok<JoinRequestDto>(HttpMethod.Post, Path($"join-requests/{other.Id}/refuse"), Staff, new DecideJoinRequest("not on the register"));
        await ProblemAssert.Expect(await Send(HttpMethod.Post, Path($"join-requests/{other.Id}/approve"), Staff), HttpStatusCode.Conflict, "join-request-decided");
        Assert.Empty((await Ok<MeDto>(HttpMethod.Get, "/api/me", bob)).Memberships);
        var audit = await Audit();
        Assert.Contains(audit, e => e is { Action: AuditActionDto.JoinApproved, ActorId: Staff } && e.SubjectId == ann);
        Assert.Contains(audit, e => e is { Action: AuditActionDto.JoinRefused, Detail: "not on the register" } && e.SubjectId == bob);
    }

    [Fact]
    public async Task Staff_add_committee_and_staff_but_only_the_operator_removes_staff()
    {
        var member = NewPerson();
        var colleague = NewPerson();
        var committee = await Ok<MembershipDto>(HttpMethod.Put, Path($"people/{member}/role"), Staff, new GrantRoleRequest("committee", "Chen Jie"));
        Assert.Equal(UserRoleDto.Committee, committee.Role);
        await Ok<MembershipDto>(HttpMethod.Put, Path($"people/{colleague}/role"), Staff, new GrantRoleRequest("staff", "Wu Min"));
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, Path("audit"), colleague)).StatusCode);
        var roster = await Ok<RosterEntryDto[]>(HttpMethod.Get, Path("people"), Staff);
        Assert.Contains(new RosterEntryDto(member, UserRoleDto.Committee, "Chen Jie", null), roster);
        Assert.Contains(new RosterEntryDto(colleague, UserRoleDto.Staff, "Wu Min", null), roster);
        Assert.Contains(roster, e => e is { PersonId: Staff, Role: UserRoleDto.Staff });
        Assert.DoesNotContain(roster, e => e.Role == UserRoleDto.Resident);
        await ProblemAssert.Expect(await Send(HttpMethod.Get, Path("people"), "committee01"), HttpStatusCode.Forbidden);

        await ProblemAssert.Expect(await Send(HttpMethod.Delete, Path($"people/{colleague}/role"), Staff), HttpStatusCode.Forbidden);
        await ProblemAssert.Expect(await Send(HttpMethod.Put, Path($"people/{Staff}/role"), Staff, new GrantRoleRequest("committee", null)), HttpStatusCode.Forbidden);
        await ProblemAssert.Expect(await Send(HttpMethod.Put, Path($"people/{member}/role"), "committee01", new GrantRoleRequest("staff", null)), HttpStatusCode.Forbidden);

        using var removed = await Send(HttpMethod.Delete, Path($"people/{colleague}/role"), "operator01");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, Path("audit"), colleague)).StatusCode);
        using var noCommittee = await Send(HttpMethod.Delete, Path($"people/{member}/role"), Staff);
        Assert.Equal(HttpStatusCode.NoContent, noCommittee.StatusCode);
        roster = await Ok<RosterEntryDto[]>(HttpMethod.Get, Path("people"), "operator01");
        Assert.DoesNotContain(roster, e => e.PersonId == member || e.PersonId == colleague);

        var audit = await Audit("operator01");
        Assert.Contains(audit, e => e is { Action: AuditActionDto.RoleGranted, ActorId: Staff, Detail: "committee" } && e.SubjectId == member);
        Assert.Contains(audit, e => e is { Action: AuditActionDto.RoleRemoved, ActorId: "operator01", Detail: "staff" } && e.SubjectId == colleague);
    }

    [Fact]
    public async Task A_person_sees_and_exports_only_their_own_data_and_leaving_anonymises_them()
    {
        var start = _host.Now.AddDays(2);
        var reservation = await Ok<ReservationDto>(HttpMethod.Post, Path("reservations"), "r00031", new ReserveRequest("T1-012", start, start.AddHours(2), null), HttpStatusCode.Created);
        await Ok<MeDto>(HttpMethod.Post, "/api/me/vehicles", "r00031", new AddVehicleRequest("沪ad 12345", false));
        await ProblemAssert.Expect(await Send(HttpMethod.Post, "/api/me/ebikes", "r00031", new AddEBikeRequest("  ")), HttpStatusCode.BadRequest, "label-required");
        var me = await Ok<MeDto>(HttpMethod.Post, "/api/me/ebikes", "r00031", new AddEBikeRequest("红色雅迪"));
        Assert.Contains(me.Vehicles, v => v is { Label: "红色雅迪", IsElectric: true, Plate: null });
        await Ok<MeDto>(HttpMethod.Post, "/api/me/ebikes", "r00031", new AddEBikeRequest("blue bike"));
        me = await Ok<MeDto>(HttpMethod.Delete, "/api/me/ebikes/" + Uri.EscapeDataString("blue bike"), "r00031");
        Assert.DoesNotContain(me.Vehicles, v => v.Label == "blue bike");
        await ProblemAssert.Expect(await Send(HttpMethod.Delete, "/api/me/ebikes/nothing", "r00031"), HttpStatusCode.NotFound, "vehicle-not-found");
        var charging = await Ok<ChargingRequestDto>(HttpMethod.Post, Path("charging/areas/CA-G1/requests"), "r00031", new ChargingRequestBody("沪AD12345", 10, null, null, null, null, _host.Now.AddHours(8), true), HttpStatusCode.Created);
        var bike = await Ok<ShelterSessionDto>(HttpMethod.Post, Path("shelters/E01/sessions"), "r00031", new StartShelterSessionRequest("E01-P05", "green bike"), HttpStatusCode.Created);

        using var response = await Send(HttpMethod.Get, "/api/me/export", "r00031");
        await ParkingHost.Expect(response, HttpStatusCode.OK);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var text = await response.Content.ReadAsStringAsync();
        var export = JsonSerializer.Deserialize<PersonalDataExportDto>(text, ParkingHost.Json)!;
        Assert.Equal("r00031", export.PersonId);
        Assert.Equal("demo-small", Assert.Single(export.Memberships).CompoundId);
        Assert.Contains(export.Vehicles, v => v is { Plate: "沪AD12345", IsElectric: true });
        Assert.Contains(export.Vehicles, v => v is { Label: "红色雅迪", Plate: null });
        var compound = Assert.Single(export.Compounds);
        Assert.Equal(reservation.Id, Assert.Single(compound.Reservations).Id);
        Assert.Contains(compound.AuditEntries, e => e is { Action: AuditActionDto.VehicleAdded, Detail: "沪AD12345" });
        Assert.Equal(charging.Id, Assert.Single(compound.ChargingRequests).Id);
        Assert.Equal(bike.SessionId, Assert.Single(compound.ShelterSessions).SessionId);
        Assert.All(compound.Ballots, b => Assert.Equal("r00031", b.UserId));
        var household = Assert.Single(export.Memberships).HouseholdId;
        var credits = Assert.IsType<CreditAccountDto>(compound.HouseholdCredits);
        Assert.Equal("household:" + household, credits.Account);
        Assert.Contains(credits.Transactions, t => t.Kind == LedgerKindDto.Grant && t.Credit == credits.Account);
        var mine = await Ok<CreditAccountDto>(HttpMethod.Get, Path("credits/mine?limit=500"), "r00031");
        Assert.Equal(mine.Balance, credits.Balance);
        Assert.Equal(mine.Transactions.Select(t => t.Id), credits.Transactions.Select(t => t.Id));
        Assert.DoesNotContain("r00032", text, StringComparison.Ordinal);

        using var left = await Send(HttpMethod.Post, "/api/me/compounds/demo-small/leave", "r00031");
        await ParkingHost.Expect(left, HttpStatusCode.OK);
        Assert.Empty((await left.Content.ReadFromJsonAsync<MeDto>(ParkingHost.Json))!.Memberships);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, Path("reservations/mine"), "r00031")).StatusCode);

        // Nothing of theirs stays live: the booking is cancelled, the charging request withdrawn, the e-bike charge stopped.
        Assert.Equal("cancelled", (await Ok<ReservationDto>(HttpMethod.Get, Path($"reservations/{reservation.Id}"), Staff)).Status.ToString(), ignoreCase: true);
        Assert.Equal("cancelled", (await Ok<ChargingRequestDto>(HttpMethod.Get, Path($"charging/areas/CA-G1/requests/{charging.Id}"), Staff)).Status.ToString(), ignoreCase: true);
        Assert.Equal("ended", (await Ok<ShelterSessionDto>(HttpMethod.Get, Path($"shelters/E01/sessions/{bike.SessionId}"), Staff)).Status.ToString(), ignoreCase: true);
        var audit = await Audit();
        Assert.DoesNotContain(audit, e => e.ActorId == "r00031" || e.SubjectId == "r00031" || e.Detail == "沪AD12345");
        var gone = Assert.Single(audit, e => e.Action == AuditActionDto.Left && e.HouseholdId == household);
        Assert.StartsWith("former-member-", gone.SubjectId, StringComparison.Ordinal);
        var added = audit.Where(e => e.Action == AuditActionDto.VehicleAdded && e.SubjectId == gone.SubjectId).ToList();
        Assert.Equal(3, added.Count);
        Assert.All(added, e => Assert.Equal(gone.SubjectId, e.ActorId));

        // The reservation history keeps the booking and its cancellation, under the same pseudonym.
        var history = await _host.Factory.Services.GetRequiredService<IReservationHistory>().Query("demo-small", start.AddHours(-1), start.AddHours(3), lotId: null);
        var booked = history.Where(e => e.ReservationId == reservation.Id).ToList();
        Assert.Contains(booked, e => e.Kind == ReservationEventKind.Cancelled);
        Assert.All(booked, e => Assert.Equal(gone.SubjectId, e.ResidentId));
        Assert.DoesNotContain(history, e => e.ResidentId == "r00031");
        await ProblemAssert.Expect(await Send(HttpMethod.Post, "/api/me/compounds/demo-small/leave", "r00031"), HttpStatusCode.NotFound, "not-a-member");
    }

    [Fact]
    public async Task Leaving_clears_the_inbox_devices_and_resident_record_and_what_arrives_later_writes_nothing_back()
    {
        const string person = "r00036";
        await using var pushService = await Notices.LoopbackReceiver.StartAsync();
        using var browser = new Notices.WebPushReceiver();
        var endpoint = new Uri(pushService.BaseAddress, $"push/{person}");
        using (var subscribed = await Send(HttpMethod.Post, Path("notices/push/subscriptions"), person, new PushSubscriptionRequest(endpoint.AbsoluteUri, browser.P256dh, browser.Auth)))
        {
            await ParkingHost.Expect(subscribed, HttpStatusCode.Created);
        }

        var start = _host.Now.AddDays(3);
        var booking = await Ok<ReservationDto>(HttpMethod.Post, Path("reservations"), person, new ReserveRequest("T1-011", start, start.AddHours(1), null), HttpStatusCode.Created);
        var inbox = _host.Grains.NoticeInbox(ParkingHost.Compound, person);
        await inbox.Deliver(Notice(person, "test:before-leave"));
        await pushService.WaitFor(r => r.Count == 1, "the notice pushed to the device");
        Assert.NotEmpty((await Ok<InboxDto>(HttpMethod.Get, Path("notices"), person)).Notices);
        var directory = _host.Grains.GetGrain<INoticeDirectoryGrain>(ParkingHost.Compound);
        Assert.Contains(person, await directory.HouseholdMembers());

        using (var left = await Send(HttpMethod.Post, $"/api/me/compounds/{ParkingHost.Compound}/leave", person))
        {
            await ParkingHost.Expect(left, HttpStatusCode.OK);
        }

        // Their export shows nothing of the compound; staff see the cancelled booking under a pseudonym.
        var export = await Ok<PersonalDataExportDto>(HttpMethod.Get, "/api/me/export", person);
        Assert.DoesNotContain(export.Memberships, m => m.CompoundId == ParkingHost.Compound);
        Assert.DoesNotContain(export.Compounds, c => c.CompoundId == ParkingHost.Compound);
        var seen = await Ok<ReservationDto>(HttpMethod.Get, Path($"reservations/{booking.Id}"), Staff);
        Assert.Equal(ReservationStatusDto.Cancelled, seen.Status);
        Assert.StartsWith("former-member-", seen.ResidentId, StringComparison.Ordinal);
        Assert.Null(seen.Plate);

        // What the leave set off arrives one way afterwards, as would a late notice: none of it writes the records back.
        await inbox.Deliver(Notice(person, "test:after-leave"));
        var resident = _host.Grains.Resident(ParkingHost.Compound, person);
        var stored = (await _host.Grains.Space(ParkingHost.Compound, "T1-011").GetReservation(booking.Id, new Parking.Domain.Reservations.Actor(Staff, IsStaff: true))).Value!;
        await resident.ReservationUpdated(stored with { ResidentId = person, Revision = stored.Revision + 1 });
        var view = await inbox.Get();
        Assert.Empty(view.Entries);
        Assert.Empty(view.Subscriptions);
        Assert.Empty(await resident.GetReservations());
        Assert.DoesNotContain(person, await directory.HouseholdMembers());
        Assert.Single(pushService.Received);

        // Nothing keyed by the person is stored in the compound any more.
        var storage = _host.Factory.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(Parking.Grains.GrainKeys.StorageName);
        Assert.False(await Stored<Parking.Domain.Notices.NoticeInbox>(storage, "notice-inbox", inbox), "the notice inbox is still stored");
        Assert.False(await Stored<Parking.Domain.Residents.ResidentState>(storage, "resident", resident), "the resident record is still stored");
        Assert.False(await Stored<NoShowWatchState>(storage, "no-show-watch", _host.Grains.GetGrain<INoShowWatchGrain>($"{ParkingHost.Compound}/{person}")), "the no-show watch is still stored");
    }

    [Fact]
    public async Task Leaving_anonymises_archived_bookings_finished_charging_requests_and_ended_e_bike_sessions_at_once()
    {
        const string person = "r00038";
        const string space = "T1-009";
        const string plate = "沪AD38038";
        const string bikeName = "orange bike 38";
        var me = await Ok<MeDto>(HttpMethod.Get, "/api/me", person);
        var membership = Assert.Single(me.Memberships, m => m.CompoundId == ParkingHost.Compound);
        var household = Assert.IsType<string>(membership.HouseholdId);

        // Enough finished bookings on one space that its oldest are moved to an archive chunk (and the resident's too).
        var start = _host.Now.AddDays(4);
        var booked = new List<string>();
        for (var i = 0; i < FinishedReservations.Kept + FinishedReservations.ChunkSize + 2; i++)
        {
            var booking = await Ok<ReservationDto>(HttpMethod.Post, Path("reservations"), person, new ReserveRequest(space, start, start.AddHours(1), plate), HttpStatusCode.Created);
            await Ok<ReservationDto>(HttpMethod.Post, Path($"reservations/{booking.Id}/cancel"), person);
            booked.Add(booking.Id);
        }

        var storage = _host.Factory.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(GrainKeys.StorageName);
        var index = await Read<ArchiveIndex>(storage, "space-archive", _host.Grains.Space(ParkingHost.Compound, space));
        var chunk = Assert.Single(index.Chunks);
        var archived = await _host.Grains.OfSpace(ParkingHost.Compound, space, chunk.Number).Get();
        Assert.Equal(FinishedReservations.ChunkSize, archived.Count);
        Assert.All(archived, r => Assert.Equal((person, plate), (r.ResidentId, r.Plate)));

        // A finished charging request and an ended e-bike session stay in their area's and shelter's view for staff.
        var charging = await Ok<ChargingRequestDto>(HttpMethod.Post, Path("charging/areas/CA-G1/requests"), person, new ChargingRequestBody(plate, 10, null, null, null, null, _host.Now.AddHours(8), true), HttpStatusCode.Created);
        using (var withdrawn = await Send(HttpMethod.Delete, Path($"charging/areas/CA-G1/requests/{charging.Id}"), person))
        {
            Assert.True(withdrawn.IsSuccessStatusCode, $"withdrawing the charging request answered {withdrawn.StatusCode}");
        }

        var bike = await Ok<ShelterSessionDto>(HttpMethod.Post, Path("shelters/E01/sessions"), person, new StartShelterSessionRequest("E01-P03", bikeName), HttpStatusCode.Created);
        await Ok<ShelterSessionDto>(HttpMethod.Post, Path($"shelters/E01/sessions/{bike.SessionId}/stop"), person);
        var before = await Ok<CreditAccountDto>(HttpMethod.Get, Path("credits/mine?limit=500"), person);
        var ledgerBefore = await Ok<CompoundLedgerDto>(HttpMethod.Get, Path("credits/ledger"), Staff);

        // Before leaving, staff can read who they were in every one of these (the checks below can fail).
        var staffViews = new[]
        {
            Path($"reservations/{booked[0]}"), Path($"reservations/{booked[^1]}"), Path($"spaces/{space}/admin"),
            Path($"charging/areas/CA-G1/requests/{charging.Id}"), Path("charging/areas"), Path("charging/areas/CA-G1/plan"),
            Path($"shelters/E01/sessions/{bike.SessionId}"), Path("shelters/E01"), Path("shelters/live"), Path("audit?limit=1000"),
            Path("credits/ledger"),
        };
        Assert.Contains(person, await StaffRead(Path($"reservations/{booked[0]}")), StringComparison.Ordinal);
        Assert.Contains(plate, await StaffRead(Path($"reservations/{booked[0]}")), StringComparison.Ordinal);
        Assert.Contains(plate, await StaffRead(Path($"charging/areas/CA-G1/requests/{charging.Id}")), StringComparison.Ordinal);
        Assert.Contains(bikeName, await StaffRead(Path($"shelters/E01/sessions/{bike.SessionId}")), StringComparison.Ordinal);

        using (var left = await Send(HttpMethod.Post, $"/api/me/compounds/{ParkingHost.Compound}/leave", person))
        {
            await ParkingHost.Expect(left, HttpStatusCode.OK);
        }

        // Every booking, archived or hot, names the pseudonym the audit trail uses, without the plate.
        var pseudonym = Assert.Single(await Audit(), e => e.Action == AuditActionDto.Left && e.HouseholdId == household && e.SubjectId!.StartsWith("former-member-", StringComparison.Ordinal)).SubjectId!;
        foreach (var id in booked)
        {
            var seen = await Ok<ReservationDto>(HttpMethod.Get, Path($"reservations/{id}"), Staff);
            Assert.Equal((pseudonym, (string?)null), (seen.ResidentId, seen.Plate));
        }

        var request = await Ok<ChargingRequestDto>(HttpMethod.Get, Path($"charging/areas/CA-G1/requests/{charging.Id}"), Staff);
        Assert.Equal(pseudonym, request.ResidentId);
        var session = await Ok<ShelterSessionDto>(HttpMethod.Get, Path($"shelters/E01/sessions/{bike.SessionId}"), Staff);
        Assert.Equal((pseudonym, (string?)null), (session.ResidentId, session.Bike));

        // Nothing staff can read names them, their plate, their bike or their name.
        foreach (var view in staffViews)
        {
            var text = await StaffRead(view);
            Assert.DoesNotContain(person, text, StringComparison.Ordinal);
            Assert.DoesNotContain(plate, text, StringComparison.Ordinal);
            Assert.DoesNotContain(bikeName, text, StringComparison.Ordinal);
            if (membership.DisplayName is { Length: > 0 } name)
            {
                Assert.DoesNotContain(name, text, StringComparison.Ordinal);
            }
        }

        // The archive chunk itself was stored again without them; the ledger's balances are what they were.
        Assert.All(await _host.Grains.OfSpace(ParkingHost.Compound, space, chunk.Number).Get(), r => Assert.Equal((pseudonym, (string?)null), (r.ResidentId, r.Plate)));
        var after = await _host.Grains.HouseholdLedger(ParkingHost.Compound, household).GetAccount(500);
        Assert.Equal(before.Balance, after.Balance);
        var ledgerAfter = await Ok<CompoundLedgerDto>(HttpMethod.Get, Path("credits/ledger"), Staff);
        Assert.Equal(ledgerBefore.InCirculation, ledgerAfter.InCirculation);
    }

    private async Task<string> StaffRead(string path)
    {
        using var response = await Send(HttpMethod.Get, path, Staff);
        await ParkingHost.Expect(response, HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<T> Read<T>(Orleans.Storage.IGrainStorage storage, string name, Orleans.Runtime.IAddressable grain)
        where T : new()
    {
        var probe = new Orleans.GrainState<T>(new T());
        await storage.ReadStateAsync(name, Orleans.GrainExtensions.GetGrainId(grain), probe);
        Assert.True(probe.RecordExists, $"no stored {name} for {Orleans.GrainExtensions.GetGrainId(grain)}");
        return probe.State!;
    }

    private static async Task<bool> Stored<T>(Orleans.Storage.IGrainStorage storage, string name, Orleans.Runtime.IAddressable grain)
        where T : new()
    {
        var probe = new Orleans.GrainState<T>(new T());
        await storage.ReadStateAsync(name, Orleans.GrainExtensions.GetGrainId(grain), probe);
        return probe.RecordExists;
    }

    private Parking.Domain.Notices.Notice Notice(string person, string id) =>
        new(id, ParkingHost.Compound, person, Parking.Domain.Notices.NoticeKind.RoundResult, "Test", "A notice made by a test.", "/driver", _host.Now);

    [Fact]
    public async Task A_person_of_two_compounds_sees_each_only_in_its_own_context()
    {
        var file = DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Small) with { Compound = new CompoundEntry("people-two", "Second Gardens") { SubDistrict = "caojiadu" } };
        using (var imported = await _host.SendAsync(HttpMethod.Post, "/api/compounds/import?dryRun=false&expectedVersion=0", userId: null, new StringContent(CompoundFileReader.Write(file), Encoding.UTF8, "application/json"), bearerToken: Token("operator01")))
        {
            await ParkingHost.Expect(imported, HttpStatusCode.OK);
        }

        var both = NewPerson();
        await Ok<MembershipDto>(HttpMethod.Put, Path($"people/{both}/role"), "operator01", new GrantRoleRequest("staff", "Two-compound staff"));
        await Ok<MembershipDto>(HttpMethod.Put, $"/api/compounds/people-two/people/{both}/role", "operator01", new GrantRoleRequest("staff", "Two-compound staff"));
        var here = await Ok<InviteDto>(HttpMethod.Post, Path("invites"), both, new CreateInviteRequest("H00020", null), HttpStatusCode.Created);
        var there = await Ok<InviteDto>(HttpMethod.Post, "/api/compounds/people-two/invites", both, new CreateInviteRequest("H00020", null), HttpStatusCode.Created);

        var me = await Ok<MeDto>(HttpMethod.Get, "/api/me", both);
        Assert.Equal(["demo-small", "people-two"], me.Memberships.Select(m => m.CompoundId).Order());
        Assert.Contains(me.Memberships, m => m is { CompoundId: "people-two", CompoundName: "Second Gardens" });
        var hereList = await Ok<InviteDto[]>(HttpMethod.Get, Path("invites"), both);
        var thereList = await Ok<InviteDto[]>(HttpMethod.Get, "/api/compounds/people-two/invites", both);
        Assert.Contains(hereList, i => i.Code == here.Code);
        Assert.DoesNotContain(hereList, i => i.Code == there.Code);
        Assert.Equal([there.Code], thereList.Select(i => i.Code));
        Assert.DoesNotContain((await Ok<AuditEntryDto[]>(HttpMethod.Get, "/api/compounds/people-two/audit", both)), e => e.Detail?.StartsWith(here.Code, StringComparison.Ordinal) == true);

        // Staff of the demo compound only are no one in the second one.
        var onlyHere = NewPerson();
        await Ok<MembershipDto>(HttpMethod.Put, Path($"people/{onlyHere}/role"), "operator01", new GrantRoleRequest("staff", "Demo staff"));
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, Path("invites"), onlyHere)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, "/api/compounds/people-two/invites", onlyHere)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, "/api/compounds/people-two/reservations/mine", onlyHere)).StatusCode);
    }

    [Fact]
    public async Task History_that_names_a_person_is_kept_only_for_the_compound_retention_period()
    {
        Assert.Equal(365, (await Ok<RetentionDto>(HttpMethod.Get, Path("retention"), Staff)).RetentionDays);
        await Invite("H00015");
        Assert.Equal(30, (await Ok<RetentionDto>(HttpMethod.Put, Path("retention"), Staff, new RetentionDto(30))).RetentionDays);
        var open = await Invite("H00016", days: 90);
        Assert.NotEmpty(await Audit());

        _host.Time.Advance(TimeSpan.FromDays(31));

        Assert.Empty(await Audit());
        Assert.Contains(await Ok<InviteDto[]>(HttpMethod.Get, Path("invites"), Staff), i => i.Code == open.Code);
        Assert.Equal(30, (await Ok<RetentionDto>(HttpMethod.Get, Path("retention"), "operator01")).RetentionDays);
    }
}

/// <summary>The dev sign-in of the embedded default, on the shared host (its clock moves by minutes only, so the tokens it signs stay valid).</summary>
[Collection(SharedHostCollection.Name)]
public sealed class DevSignInPeopleTests(SharedHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    [Fact]
    public async Task Dev_sign_in_of_a_newcomer_says_only_who_they_are_and_after_joining_gives_their_stored_rights()
    {
        var person = "person-" + Guid.NewGuid().ToString("N")[..8];
        using var signIn = await _host.Http.PostAsJsonAsync("/api/dev/token", new DevTokenRequest(null, person, Newcomer: true), ParkingHost.Json);
        await ParkingHost.Expect(signIn, HttpStatusCode.OK);
        var newcomer = (await signIn.Content.ReadFromJsonAsync<DevTokenResponse>(ParkingHost.Json))!;
        Assert.Equal((person, "", ""), (newcomer.User.UserId, newcomer.User.Role, newcomer.User.CompoundId));
        using (var mine = await _host.SendAsync(HttpMethod.Get, ParkingHost.CompoundPath("reservations/mine"), userId: null, bearerToken: newcomer.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, mine.StatusCode);
        }

        using (var unknown = await _host.Http.PostAsJsonAsync("/api/dev/token", new DevTokenRequest("demo-small", person), ParkingHost.Json))
        {
            await ProblemAssert.Expect(unknown, HttpStatusCode.NotFound, "user-not-found");
        }

        using var created = await _host.SendAsync(HttpMethod.Post, ParkingHost.CompoundPath("invites"), "staff01", new CreateInviteRequest("H00012", null));
        await ParkingHost.Expect(created, HttpStatusCode.Created);
        var invite = (await created.Content.ReadFromJsonAsync<InviteDto>(ParkingHost.Json))!;
        using (var redeemed = await _host.SendAsync(HttpMethod.Post, "/api/invites/redeem", userId: null, new RedeemInviteRequest(invite.Code, "Sun Li"), bearerToken: newcomer.AccessToken))
        {
            await ParkingHost.Expect(redeemed, HttpStatusCode.OK);
        }

        using var again = await _host.Http.PostAsJsonAsync("/api/dev/token", new DevTokenRequest("demo-small", person), ParkingHost.Json);
        await ParkingHost.Expect(again, HttpStatusCode.OK);
        var resident = (await again.Content.ReadFromJsonAsync<DevTokenResponse>(ParkingHost.Json))!.User;
        Assert.Equal(("demo-small", "resident", "H00012", "Sun Li"), (resident.CompoundId, resident.Role, resident.HouseholdId, resident.DisplayName));
    }
}
