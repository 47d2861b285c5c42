using Parking.Domain.Layout;
using Parking.Domain.Membership;
using Xunit;

namespace Parking.Domain.Tests.Membership;

public class PeopleBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly Household H1 = new("H00001", "B01", "B01-101", 90m);
    private const string Code = "ABCD2345EF";

    private static PeopleBook WithInvite(int days = 14) => PeopleBook.Empty.CreateInvite(Code, H1, days, "staff01", Now).Value!;

    [Fact]
    public void An_invite_is_redeemed_once_and_audited_with_who_and_when()
    {
        var book = WithInvite().Redeem(Code, "ann", Now.AddHours(1)).Value!;

        var again = book.Redeem(Code, "bob", Now.AddHours(2));
        Assert.Equal(("invite-used", "code"), (again.Error!.Code, again.Error.Field));
        Assert.Equal("ann", book.Invite(Code)!.RedeemedBy);
        Assert.Equal(
            [(AuditAction.InviteCreated, "staff01", (string?)null), (AuditAction.InviteRedeemed, "ann", "ann")],
            book.Audit.Select(e => (e.Action, e.ActorId, e.SubjectId)));
        Assert.Equal([Now, Now.AddHours(1)], book.Audit.Select(e => e.At));
        Assert.All(book.Audit, e => Assert.Equal("H00001", e.HouseholdId));
    }

    [Fact]
    public void An_invite_past_its_expiry_or_revoked_cannot_be_redeemed()
    {
        var book = WithInvite(days: 1);
        Assert.Equal(InviteStatus.Open, book.Invite(Code)!.StatusAt(Now.AddDays(1).AddTicks(-1)));
        Assert.Equal("invite-expired", book.Redeem(Code, "ann", Now.AddDays(1)).Error!.Code);

        var revoked = WithInvite().Revoke(Code, "staff02", Now).Value!;
        Assert.Equal("invite-revoked", revoked.Redeem(Code, "ann", Now).Error!.Code);
        Assert.Equal("invite-not-open", revoked.Revoke(Code, "staff02", Now).Error!.Code);
        Assert.Equal("invite-not-found", WithInvite().Redeem("ZZZZ2345EF", "ann", Now).Error!.Code);
    }

    [Theory]
    [InlineData("abcd-2345-ef", "ABCD2345EF")]
    [InlineData(" ABCD 2345 EF ", "ABCD2345EF")]
    public void Codes_are_read_as_printed(string text, string code) => Assert.Equal(code, PeopleRules.NormaliseCode(text).Value);

    [Theory]
    [InlineData(null, "invite-code-required")]
    [InlineData("ABCD2345E", "invite-code-malformed")]
    [InlineData("ABCD2345E0", "invite-code-malformed")]
    public void Bad_codes_name_the_field(string? text, string code)
    {
        var error = PeopleRules.NormaliseCode(text).Error!;
        Assert.Equal((code, "code"), (error.Code, error.Field));
    }

    [Fact]
    public void A_join_request_is_decided_once_and_one_person_has_one_pending()
    {
        var book = PeopleBook.Empty.AskToJoin("j1", "ann", "Ann", H1, "I rent B01-101", Now).Value!;
        Assert.Equal("join-request-pending", book.AskToJoin("j2", "ann", "Ann", H1, null, Now).Error!.Code);

        var refused = book.Decide("j1", approve: false, "not on the lease", "staff01", Now).Value!;
        Assert.Equal(JoinRequestStatus.Refused, refused.Request("j1")!.Status);
        Assert.Equal("join-request-decided", refused.Decide("j1", approve: true, null, "staff01", Now).Error!.Code);
        Assert.Equal(AuditAction.JoinRefused, refused.Audit[^1].Action);
        Assert.Equal("not on the lease", refused.Audit[^1].Detail);
    }

    [Theory]
    [InlineData(UserRole.Operator, UserRole.Staff, false, true)]
    [InlineData(UserRole.Operator, UserRole.Staff, true, true)]
    [InlineData(UserRole.Operator, UserRole.Committee, true, true)]
    [InlineData(UserRole.Staff, UserRole.Committee, false, true)]
    [InlineData(UserRole.Staff, UserRole.Committee, true, true)]
    [InlineData(UserRole.Staff, UserRole.Staff, false, true)]
    [InlineData(UserRole.Staff, UserRole.Staff, true, false)]
    [InlineData(UserRole.Committee, UserRole.Committee, false, false)]
    [InlineData(UserRole.Resident, UserRole.Staff, false, false)]
    public void Who_may_grant_and_remove_what(UserRole actor, UserRole role, bool remove, bool allowed) =>
        Assert.Equal(allowed, PeopleRules.MayManage(actor, "me", role, remove, "them") is null);

    [Fact]
    public void Nobody_changes_their_own_role_and_only_staff_and_committee_are_granted()
    {
        Assert.Equal(ErrorKind.Forbidden, PeopleRules.MayManage(UserRole.Operator, "me", UserRole.Staff, false, "me")!.Kind);
        Assert.Equal("role", PeopleRules.MayManage(UserRole.Operator, "me", UserRole.Operator, false, "them")!.Field);
        Assert.Equal("role", PeopleRules.MayManage(UserRole.Staff, "me", UserRole.Resident, false, "them")!.Field);
    }

    [Fact]
    public void History_past_the_retention_period_is_dropped_but_open_invites_and_pending_requests_stay()
    {
        var book = WithInvite(days: 90)
            .CreateInvite("ZZZZ2345EF", H1, 1, "staff01", Now).Value!
            .AskToJoin("j1", "ann", "Ann", H1, null, Now).Value!
            .SetRetention(30, "staff01", Now).Value!;

        var pruned = book.Prune(Now.AddDays(31).AddHours(1));

        Assert.Empty(pruned.Audit);
        Assert.Equal([Code], pruned.Invites.Select(i => i.Code));
        Assert.Equal("j1", Assert.Single(pruned.JoinRequests).Id);
        Assert.Same(book, book.Prune(Now.AddDays(29)));
    }

    [Theory]
    [InlineData(29)]
    [InlineData(3651)]
    public void Retention_outside_its_range_is_refused_naming_the_field(int days)
    {
        var error = PeopleBook.Empty.SetRetention(days, "staff01", Now).Error!;
        Assert.Equal(("retentionDays", ErrorKind.Validation), (error.Field, error.Kind));
    }

    [Fact]
    public void Leaving_replaces_the_person_with_one_pseudonym_and_drops_what_was_written_about_them()
    {
        var book = WithInvite().Redeem(Code, "ann", Now).Value!
            .Record(Now, "ann", AuditAction.VehicleAdded, "ann", "H00001", "沪A12345")
            .Record(Now, "staff01", AuditAction.RoleGranted, "bob", null, "committee")
            .AskToJoin("j1", "ann", "Ann Li", H1, "my phone 138", Now).Value!;

        var left = book.Anonymise("ann", "former-member-1");

        Assert.DoesNotContain(left.Audit, e => e.ActorId == "ann" || e.SubjectId == "ann");
        Assert.DoesNotContain(left.Audit, e => e.Detail == "沪A12345");
        Assert.Equal("committee", left.Audit.Single(e => e.SubjectId == "bob").Detail);
        Assert.Equal("former-member-1", left.Invite(Code)!.RedeemedBy);
        var request = Assert.Single(left.JoinRequests);
        Assert.Equal(("former-member-1", "former-member-1", (string?)null), (request.PersonId, request.DisplayName, request.Note));
        Assert.Equal(book.Audit.Count, left.Audit.Count);
    }

    /// <summary>
    /// A prune (or a leave's anonymising) names the joiners it makes the book forget: ann joined long ago only (her join goes), bob joined long ago
    /// and again lately (a join of his stays), cy joined lately; a prune that drops nothing names no one.
    /// </summary>
    [Fact]
    public void A_prune_names_the_joiners_whose_every_join_it_drops()
    {
        var book = PeopleBook.Empty.SetRetention(30, "staff01", Now).Value!
            .Record(Now, "ann", AuditAction.InviteRedeemed, "ann", "H00001", null)
            .Record(Now, "staff01", AuditAction.JoinApproved, "bob", "H00001", null)
            .Record(Now.AddDays(20), "staff01", AuditAction.JoinApproved, "bob", "H00001", null)
            .Record(Now.AddDays(20), "cy", AuditAction.InviteRedeemed, "cy", "H00001", null)
            .Record(Now, "staff01", AuditAction.RoleGranted, "dee", null, "staff", UserRole.Staff);

        Assert.Equal(["ann", "bob", "cy"], book.Joiners);
        Assert.Equal(["ann"], book.JoinersDroppedBy(book.Prune(Now.AddDays(31))));
        Assert.Empty(book.JoinersDroppedBy(book.Prune(Now.AddDays(29))));
        Assert.Equal(["ann", "bob", "cy"], book.JoinersDroppedBy(book.Prune(Now.AddDays(51))).Order(StringComparer.Ordinal));
        Assert.Equal(["cy"], book.JoinersDroppedBy(book.Anonymise("cy", "former-member-1")));
    }
}
