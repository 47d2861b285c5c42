using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Parking.Contracts;
using Parking.Web.Components;
using Parking.Web.Services;

namespace Parking.Web.Tests;

public sealed class AlarmBoardTests
{
    private static readonly DateTimeOffset Now = Spaces.Now;

    private static ShelterDto Shelter(string id, long version, ShelterAlarmDto? alarm = null, ShelterAlarmDto? last = null) =>
        new("c", id, "Shelter " + id, "B01", 2, 0, 200, 10, alarm, last ?? alarm, version, Now, []);

    private static ShelterAlarmDto Alarm(string shelterId, double minutes, DateTimeOffset? cleared = null) =>
        new("c", shelterId, "Shelter " + shelterId, ShelterAlarmKindDto.Temperature, 75, Now.AddMinutes(minutes), cleared, cleared is null ? null : "staff01");

    private static ChargingPlanDto Area(string id, long version, params (string Charger, string Status)[] chargers) =>
        new("c", id, "Area " + id, 50, Now, version, null,
            [.. chargers.Select(c => new ChargerTimelineDto(new ChargerDto(c.Charger, "G1-001", 7, c.Status.As<ChargerStatusDto>(), 0, 0, Now.AddMinutes(-5), null), []))], []);

    [Fact]
    public void A_pushed_alarm_is_listed_and_its_clearing_removes_it()
    {
        var board = new AlarmBoard();
        board.Apply(Shelter("E01", 3));
        board.Apply(Shelter("E02", 1));
        Assert.Empty(board.Alarms);

        Assert.True(board.Apply(Alarm("E02", 1)));
        var alarm = Assert.Single(board.Alarms);
        Assert.Equal(("shelter:E02", "E02", "temperature", 75.0, true), (alarm.Key, alarm.SiteId, alarm.Kind, alarm.Value, alarm.CanClear));

        Assert.True(board.Apply(Alarm("E02", 1, Now.AddMinutes(4))));
        Assert.Empty(board.Alarms);
        Assert.Equal(Now.AddMinutes(4), board.Shelter("E02")!.LastAlarm!.ClearedAt);
    }

    [Fact]
    public void A_port_that_did_not_cut_is_listed_first_until_dismissed_and_an_offline_controller_is_listed()
    {
        var board = new AlarmBoard();
        board.Apply(Shelter("E01", 1));
        board.Apply(Shelter("E02", 1) with { ControllerOffline = true });
        board.Apply(Alarm("E01", 5));
        var failed = new ShelterCommandFailedDto("c", "E01", "Shelter E01", ShelterCommandFailureKindDto.PortDidNotCut, "E01-c000007", ShelterCommandActionDto.AllOff, ["E01-P04"], "no-ack", null, Now.AddMinutes(1));
        Assert.True(board.Apply(failed));

        Assert.Equal(["command:E01/E01-c000007", "shelter:E01", "controller:E02"], board.Alarms.Select(a => a.Key));
        var loud = board.Alarms[0];
        Assert.True(loud.IsLoud && loud.CanDismiss && !loud.CanClear);
        Assert.Equal(["E01-P04"], loud.Ports!);

        Assert.True(board.Dismiss(loud.Key));
        Assert.False(board.Apply(failed));
        Assert.DoesNotContain(board.Alarms, a => a.Source == "command");
    }

    [Fact]
    public void The_gate_review_list_keeps_each_event_once_and_a_decided_one_never_waits_again()
    {
        var list = new GateReviewList();
        GateReviewDto Review(string id, double minutes, string? by = null) =>
            new("north", id, GateDirectionDto.In, "苏E12345", PlateColourDto.Blue, 0.95, Now.AddMinutes(minutes), null, GateReasonDto.UnknownPlate, false, by, by is null ? null : true, by is null ? null : Now.AddMinutes(10));
        list.Replace([Review("e2", 2), Review("e1", 1)]);
        list.Apply(Review("e2", 2));
        Assert.Equal(["e1", "e2"], list.Waiting.Select(r => r.EventId));

        list.Apply(Review("e1", 1, by: "staff01"));
        list.Replace([Review("e1", 1), Review("e2", 2)]);
        Assert.Equal(["e2"], list.Waiting.Select(r => r.EventId));
        Assert.Equal("staff01", Assert.Single(list.Decided).ResolvedBy);
    }

    [Fact]
    public void A_late_raise_does_not_undo_a_clearing_and_an_older_picture_is_ignored()
    {
        var board = new AlarmBoard();
        var cleared = Alarm("E01", 1, Now.AddMinutes(2));
        board.Apply(Shelter("E01", 5, alarm: null, last: cleared));

        Assert.False(board.Apply(Alarm("E01", 1)));
        Assert.Empty(board.Alarms);
        Assert.False(board.Apply(Shelter("E01", 4, Alarm("E01", 1))));
        Assert.Empty(board.Alarms);

        // A new alarm after the clearing counts.
        Assert.True(board.Apply(Alarm("E01", 3)));
        Assert.Single(board.Alarms);
        Assert.False(board.Apply(Alarm("E99", 3)));
    }

    [Fact]
    public void Faulted_chargers_are_alarms_until_the_area_reports_them_working()
    {
        var board = new AlarmBoard();
        board.Apply(Shelter("E01", 1, Alarm("E01", 10)));
        board.Apply(Area("A1", 2, ("C1", "faulted"), ("C2", "charging"), ("C3", "available")));

        Assert.Equal(["shelter:E01", "charger:A1/C1"], board.Alarms.Select(a => a.Key));
        var fault = board.Alarms[1];
        Assert.Equal(("charger", "C1", "Area A1", false), (fault.Source, fault.SiteId, fault.Name, fault.CanClear));

        Assert.False(board.Apply(Area("A1", 1, ("C1", "faulted"), ("C2", "faulted"))));
        Assert.True(board.Apply(Area("A1", 3, ("C1", "available"), ("C2", "charging"))));
        Assert.Equal(["shelter:E01"], board.Alarms.Select(a => a.Key));
    }
}

public sealed class OverstayListTests
{
    private static readonly DateTimeOffset Now = Spaces.Now;

    private static ReservationDto Booking(string id, double endHours) =>
        new(id, "c", "G1", "G1-00" + id, "r0000" + id, null, Now.AddHours(endHours - 2), Now.AddHours(endHours), ReservationStatusDto.CheckedIn, Now.AddDays(-1), Now.AddHours(endHours - 2), null, 2);

    [Fact]
    public void Pushes_add_once_and_a_reload_drops_cars_that_left_but_keeps_the_next_booking()
    {
        var list = new OverstayList();
        var next = Booking("9", 3) with { Status = ReservationStatusDto.Reserved };
        list.Load([new OverstayDto(Booking("1", -1), null), new OverstayDto(Booking("2", -0.5), null)]);

        Assert.True(list.Add(new OverstayDto(Booking("1", -1), next)));
        Assert.False(list.Add(new OverstayDto(Booking("1", -1), null)));
        Assert.True(list.Add(new OverstayDto(Booking("3", -0.25), null)));
        Assert.Equal(["3", "2", "1"], list.Items.Select(o => o.Overstay.Id));

        // Car 2 checked out; the registry does not know the next booking, the push did.
        list.Load([new OverstayDto(Booking("1", -1), null), new OverstayDto(Booking("3", -0.25), null)]);
        Assert.Equal(["3", "1"], list.Items.Select(o => o.Overstay.Id));
        Assert.Equal(next, list.Items[1].Next);
        Assert.Equal(TimeSpan.FromHours(1), OverstayList.Over(list.Items[1], Now));
        Assert.Equal(TimeSpan.Zero, OverstayList.Over(list.Items[1], Now.AddHours(-2)));
    }
}

public sealed class SpacePanelTests : BunitContext
{
    private readonly FakeApi _api = new();

    public SpacePanelTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddLocalization();
        Services.AddScoped<Session>();
        Services.AddScoped(sp => new ParkingApi(new HttpClient(_api) { BaseAddress = new Uri("http://localhost/") }, sp.GetRequiredService<Session>()));
        var session = Services.GetRequiredService<Session>();
        session.SignInAsync(new DevTokenResponse("token", Spaces.Now.AddHours(1), new UserDto("c", "staff01", "Staff", Roles.Staff, null, null, []))).GetAwaiter().GetResult();
    }

    private static SpaceAdminDto Admin(string kind = "standard", string ownership = "common", string? household = null, bool blocked = false, int cancelled = 0) =>
        new("c", "G1", "G1-001", "G1-001", kind.As<SpaceKindDto>(), ownership.As<SpaceOwnershipDto>(), household, blocked, [],
            [.. Enumerable.Range(0, cancelled).Select(i => new ReservationDto($"G1-001.{i}", "c", "G1", "G1-001", "r1", null, Spaces.Now, Spaces.Now.AddHours(1), ReservationStatusDto.Cancelled, Spaces.Now, null, Spaces.Now, 2))], 1);

    [Fact]
    public void Retyping_sends_the_chosen_kind_and_shows_the_answer()
    {
        _api.Answers.Enqueue(Admin());
        _api.Answers.Enqueue(Admin(kind: "ev"));
        SpaceAdminDto? changed = null;
        var panel = Render<SpacePanel>(p => p.Add(x => x.SpaceId, "G1-001").Add(x => x.OnChanged, a => changed = a));
        panel.WaitForElement("[data-act=retype]");
        Assert.True(panel.Find("[data-act=retype]").HasAttribute("disabled"));

        panel.Find("select[data-field=kind]").Change("ev");
        panel.Find("[data-act=retype]").Click();

        panel.WaitForAssertion(() => Assert.Equal("ev", changed?.Kind.WireName()));
        Assert.Equal((HttpMethod.Put, "/api/compounds/c/spaces/G1-001/kind"), (_api.Requests[1].Method, _api.Requests[1].Path));
        Assert.Equal("ev", _api.Requests[1].Body!.Value.GetProperty("kind").GetString());
        Assert.Contains("EV", panel.Find("[data-fact=kind]").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(panel.Find("[data-message]").TextContent);
    }

    [Fact]
    public void Blocking_says_how_many_bookings_were_cancelled_and_offers_to_reopen()
    {
        _api.Answers.Enqueue(Admin());
        _api.Answers.Enqueue(Admin(blocked: true, cancelled: 2));
        var panel = Render<SpacePanel>(p => p.Add(x => x.SpaceId, "G1-001"));
        panel.WaitForElement("[data-act=block]").Click();

        panel.WaitForElement("[data-act=unblock]");
        Assert.True(_api.Requests[1].Body!.Value.GetProperty("outOfService").GetBoolean());
        Assert.Contains("2", panel.Find("[data-message]").TextContent, StringComparison.Ordinal);
        Assert.Empty(panel.FindAll("[data-act=block]"));
    }

    [Fact]
    public void The_household_field_is_shown_for_a_private_owner_only_and_a_refusal_is_shown_with_its_code()
    {
        _api.Answers.Enqueue(Admin());
        var panel = Render<SpacePanel>(p => p.Add(x => x.SpaceId, "G1-001"));
        panel.WaitForElement("[data-act=reassign]");
        Assert.Empty(panel.FindAll("input[data-field=householdId]"));

        panel.Find("select[data-field=ownership]").Change("private");
        panel.Find("input[data-field=householdId]").Change("H99999");
        _api.Refusal = (HttpStatusCode.BadRequest, "household-not-found", "No household 'H99999' in this compound.");
        panel.Find("[data-act=reassign]").Click();

        panel.WaitForAssertion(() => Assert.Equal("household-not-found", panel.Find("[data-error]").GetAttribute("data-error")));
        Assert.Equal("H99999", _api.Requests[1].Body!.Value.GetProperty("householdId").GetString());
        Assert.Equal("private", _api.Requests[1].Body!.Value.GetProperty("ownership").GetString());
        Assert.Contains("common", panel.Find("[data-fact=ownership]").TextContent, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Answers the panel's requests in order, or with one refusal; records what was sent.</summary>
    private sealed class FakeApi : HttpMessageHandler
    {
        public Queue<SpaceAdminDto> Answers { get; } = new();

        public List<(HttpMethod Method, string Path, JsonElement? Body)> Requests { get; } = [];

        public (HttpStatusCode Status, string Code, string Detail)? Refusal { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            JsonElement? body = request.Content is null ? null : await request.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            Requests.Add((request.Method, request.RequestUri!.AbsolutePath, body));
            if (Refusal is { } refusal && request.Method != HttpMethod.Get)
            {
                return new HttpResponseMessage(refusal.Status)
                {
                    Content = JsonContent.Create(new { status = (int)refusal.Status, code = refusal.Code, detail = refusal.Detail }),
                };
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(Answers.Dequeue(), options: JsonSerializerOptions.Web) };
        }
    }
}
