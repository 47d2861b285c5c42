using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain.Charging;
using Parking.Domain.Ocpp;
using Parking.Grains.Ocpp;
using Xunit;

namespace Parking.Grains.Tests.Ocpp;

/// <summary>
/// The charge point's state changes only through its methods: connections, the whole charger's status, the queue of
/// commands kept for it while offline. Its stored layout is the one the build before that change wrote.
/// </summary>
public sealed class ChargePointStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static readonly StoredStateSerializer Storage = new(new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>());

    /// <summary>The earlier flat layout of <see cref="EarlierChargePointStateTests"/>.</summary>
    private const string Stored = "IMABwQHBAUEJQWNtZcEBwQHBAUERQ2hhcmdpbmfBAQEdIQAFIegAGUENQ0FSRC0xwQEhgADIA3PDUd8IgQAAAAAAAAAA4AFCHwECfSGAADDI1MtR3wiBAAAAAAAAAADgQQtMb2NhbEEHYm9i4CDoAB1BCVBUQUdBC3JlcS0xIYAAAFGY3FHfCIEAAAAAAAAAAOABQpwBIsvBAcEBQQdhbm7g4CEAAyHoQAVtMUETSGVhcnRiZWF0QQVmMTEBAUT1F2FQYXJraW5nLkRvbWFpbi5PY3BwLkVtcHR5UmVzcG9uc2UsUGFya2luZy5Eb21haW7o6Ojg4OAhAAMh6EAFYzFBHVRyaWdnZXJNZXNzYWdlQQV7fUETcmVjb25uZWN0IYAAAFGY3FHfCIEAAAAAAAAAAOAJAwlBK3sic3RhdHVzIjoiQWNjZXB0ZWQifcEBIYAAAFGY3FHfCIEAAAAAAAAAAODg4MEBAQMBBQEDITABMSzULh1TdHJpbmdDb21wYXJlcgADAQHgAQPBPcA/4MEBwQEhAQMBHSAABSEggAAAUZjcUd8IgQAAAAAAAAAA4AFCnOjgICCAABrCsN5R3wiBAAAAAAAAAADgASLL6ODg4CE4BQADAQHgAQPBPcBP4EEDQQEB4A==";

    /// <summary>What main at be1d9f8 wrote for the state of <see cref="EarlierChargePointStateTests"/> once loaded (today's layout).</summary>
    private const string WrittenBefore =
        "IMABwQHBAUEJQWNtZcEBwQHBAUERQ2hhcmdpbmfBAQEBwQEhAAMh6EAFbTFBE0hlYXJ0YmVhdEEFZjExAQFE9RdhUGFya2luZy5Eb21haW4uT2NwcC5FbXB0eVJlc3BvbnNlLFBhcmtpbmcuRG9tYWlu6Ojo4ODgIQADIehABWMxQR1UcmlnZ2VyTWVzc2FnZUEFe31BE3JlY29ubmVjdCGAAABRmNxR3wiBAAAAAAAAAADgCQMJQSt7InN0YXR1cyI6IkFjY2VwdGVkIn3BASGAAABRmNxR3wiBAAAAAAAAAADg4ODBAQEDAQEBAcEBwQHBAcEBwQFBA0EBASEAHSEABSHoABlBDUNBUkQtMcEBIYAAyANzw1HfCIEAAAAAAAAAAOABQh8BAn0hgAAwyNTLUd8IgQAAAAAAAAAA4EELTG9jYWxBB2JvYuAg6AAdQQlQVEFHQQtyZXEtMSGAAABRmNxR3wiBAAAAAAAAAADgAUKcASLLwQHBAUEHYW5u4OAhAQMBHSAABSEggAAAUZjcUd8IgQAAAAAAAAAA4AFCnOjgICCAABrCsN5R3wiBAAAAAAAAAADgASLL6ODg4CEwATEs1C4dU3RyaW5nQ29tcGFyZXIAAwEB4AEDwYfAieAhOAUAAwEB4AEDwYfAmeABBQED4OA=";

    private static OcppCommandRecord Command(string id, OcppCommandStatus status, DateTimeOffset createdAt) =>
        new(id, "TriggerMessage", "{}", "test", createdAt, status, null, null, null);

    private sealed class Host : IOcppHostObserver
    {
        public Task Call(string chargePointId, string commandId, string action, string payloadJson) => Task.CompletedTask;

        public Task Drop(string chargePointId, string connectionId) => Task.CompletedTask;
    }

    [Fact]
    public void Its_fields_are_stored_as_the_build_before_stored_them()
    {
        var state = Storage.Deserialize<ChargePointState>(new BinaryData(Convert.FromBase64String(Stored)))!;
        _ = state.Sessions;

        Assert.Equal(WrittenBefore, Convert.ToBase64String(Storage.Serialize(state).ToArray()));
    }

    [Fact]
    public void A_second_socket_takes_over_and_commands_sent_on_the_old_one_are_queued_again()
    {
        var state = new ChargePointState();
        var first = new Host();
        Assert.Null(state.Connected("s1", first, Now));
        state.Add(Command("c1", OcppCommandStatus.Queued, Now));
        Assert.Equal(["c1"], state.TakeQueued().Select(c => c.Id));
        Assert.Equal(OcppCommandStatus.Sent, state.Command("c1")!.Status);

        var takenOver = state.Connected("s2", new Host(), Now.AddMinutes(1));

        Assert.Equal((first, "s1"), (takenOver!.Value.Host, takenOver.Value.ConnectionId));
        Assert.Equal(OcppCommandStatus.Queued, state.Command("c1")!.Status);
        Assert.Null(state.Connected("s2", new Host(), Now.AddMinutes(2)));
        Assert.Equal(Now.AddMinutes(2), state.LastSeen);
    }

    [Fact]
    public void Offline_nothing_is_sent_and_a_command_queued_for_the_expiry_fails()
    {
        var state = new ChargePointState();
        state.Connected("s1", new Host(), Now);
        Assert.False(state.Disconnected("other"));
        Assert.True(state.Disconnected("s1"));
        state.Add(Command("old", OcppCommandStatus.Queued, Now));
        state.Add(Command("new", OcppCommandStatus.Queued, Now.AddMinutes(30)));
        var expiry = TimeSpan.FromHours(1);

        Assert.Empty(state.TakeQueued());
        Assert.Equal(Now + expiry, state.OfflineExpiryDue(expiry));
        var failed = Assert.Single(state.ExpireQueued(Now + expiry, expiry));

        Assert.Equal(("old", OcppCommandStatus.Failed, Now + expiry), (failed.Id, failed.Status, failed.CompletedAt));
        Assert.Equal(OcppCommandStatus.Failed, state.Command("old")!.Status);
        Assert.Equal(Now.AddMinutes(30) + expiry, state.OfflineExpiryDue(expiry));
        state.Connected("s2", new Host(), Now);
        Assert.Null(state.OfflineExpiryDue(expiry));
    }

    [Fact]
    public void The_whole_charger_matters_only_going_out_of_service_and_coming_back_to_the_connectors_status()
    {
        var state = new ChargePointState();

        Assert.Equal(ChargerStatus.Charging, state.StatusReported(1, "Charging"));
        Assert.Null(state.StatusReported(0, "Available"));
        Assert.Equal(ChargerStatus.Faulted, state.StatusReported(0, "Faulted"));
        Assert.Equal(ChargerStatus.Charging, state.StatusReported(0, "Available"));
        Assert.Equal(("Available", "Charging"), (state.MainStatus, state.ConnectorStatus));

        var fresh = new ChargePointState();
        Assert.Equal(ChargerStatus.Unavailable, fresh.StatusReported(0, "Unavailable"));
        Assert.Equal(ChargerStatus.Available, fresh.StatusReported(0, "Available"));
    }

    [Fact]
    public void Leaving_the_file_changes_the_standing_only_of_a_charge_point_set_up_and_in_service()
    {
        var state = new ChargePointState();
        Assert.False(state.StandingChanges(inLayout: false));

        state.Seen(Now);
        Assert.True(state.StandingChanges(inLayout: false));
        Assert.False(state.StandingChanges(inLayout: true));
        state.Retire();
        Assert.True(state.Retired);
        Assert.True(state.StandingChanges(inLayout: true));
        state.Restore();
        Assert.False(state.Retired);
    }

    [Fact]
    public void A_repeated_message_id_replays_the_same_message_and_refuses_another()
    {
        var state = new ChargePointState();
        var answer = new HeartbeatResponse(Now);
        state.Remember(new HandledMessage("m1", "Heartbeat", "f1", answer));

        Assert.Null(state.Repeated("m2", "Heartbeat", "f1"));
        Assert.Same(answer, state.Repeated("m1", "Heartbeat", "f1"));
        var otherPayload = Assert.IsType<OcppFault>(state.Repeated("m1", "Heartbeat", "f2"));
        var otherAction = Assert.IsType<OcppFault>(state.Repeated("m1", "Authorize", "f1"));
        Assert.Equal(OcppErrorCodes.ProtocolError, otherPayload.Code);
        Assert.Equal(OcppErrorCodes.ProtocolError, otherAction.Code);
        Assert.Contains("m1", otherAction.Description, StringComparison.Ordinal);
        Assert.Single(state.Handled);
    }

    [Fact]
    public void A_driver_starts_only_with_the_car_waiting_and_no_transaction_open()
    {
        var state = new ChargePointState();
        Assert.Equal("not-plugged-in", state.DriverStart()?.Code);

        state.StatusReported(1, "Preparing");
        Assert.Null(state.DriverStart());

        state.Sessions.Start(new StartTransactionRequest(1, "CARD-1", 0, Now, null), new IdTagAuthorization(IdTagAuthorization.Accepted, "ann"), null);
        Assert.Equal("transaction-running", state.DriverStart()?.Code);
    }

    [Fact]
    public void The_plan_starts_its_turn_once_and_stops_a_finished_turns_transaction_once_even_after_the_stop_was_answered()
    {
        var state = new ChargePointState();
        state.StatusReported(1, "Preparing");
        var turn = new ChargerSchedule("c1", Now, [new SchedulePeriod(0, 7400)], "req-1") { SessionResidentId = "ann" };

        Assert.Equal(new TurnCommand.Start("req-1", "ann"), state.TurnCommand(turn));
        state.Add(new OcppCommandRecord("s1", "RemoteStartTransaction", OcppCommands.RemoteStart("T1"), "plan", Now, OcppCommandStatus.Sent, null, null, null));
        Assert.Null(state.TurnCommand(turn));

        var tag = state.Sessions.IssueIdTag("req-1", "ann");
        var session = state.Sessions.Start(new StartTransactionRequest(1, tag, 0, Now, null), new IdTagAuthorization(IdTagAuthorization.Accepted, "ann"), turn);
        var over = turn with { SessionRequestId = null };
        Assert.Null(state.TurnCommand(turn));
        Assert.Equal(new TurnCommand.Stop(session.TransactionId), state.TurnCommand(over));

        state.Add(new OcppCommandRecord("t1", "RemoteStopTransaction", OcppCommands.RemoteStop(session.TransactionId), "plan", Now, OcppCommandStatus.Accepted, null, null, Now));
        Assert.Null(state.TurnCommand(over));
    }

    [Fact]
    public void A_closed_socket_sends_its_unanswered_commands_back_to_the_queue()
    {
        var state = new ChargePointState();
        state.Connected("s1", new Host(), Now);
        state.Add(Command("c1", OcppCommandStatus.Queued, Now));
        state.TakeQueued();

        state.Disconnected("s1");

        Assert.Equal(OcppCommandStatus.Queued, state.Command("c1")!.Status);
        Assert.Null(state.Host);
    }

    [Fact]
    public void An_older_schedule_is_ignored_and_one_unchanged_sends_nothing_again()
    {
        var state = new ChargePointState();
        var first = new ChargerSchedule("c1", Now, [new SchedulePeriod(0, 7400)], null);
        var lower = first with { Periods = [new SchedulePeriod(0, 3700)] };

        Assert.True(state.Scheduled(first, 5, Now));
        Assert.False(state.Scheduled(first, 5, Now));
        Assert.Null(state.Scheduled(lower, 4, Now));
        Assert.Equal((first, 5L), (state.Schedule, state.ScheduleVersion));
        Assert.True(state.Scheduled(lower, 6, Now));
        Assert.Equal((lower, 6L), (state.Schedule, state.ScheduleVersion));

        state.Retire();
        Assert.Null(state.Schedule);
    }

    [Fact]
    public void A_boot_says_what_the_charge_point_is_and_a_rate_unit_counts_as_a_change_only_when_new()
    {
        var state = new ChargePointState();
        state.Booted("Acme", "AC-22", "1.2.0");
        Assert.Equal(("Acme", "AC-22", "1.2.0"), (state.Vendor, state.Model, state.FirmwareVersion));

        Assert.False(state.UsesRateUnit("W"));
        Assert.True(state.UsesRateUnit("A"));
        Assert.Equal("A", state.RateUnit);
        Assert.False(state.UsesRateUnit("A"));
    }

    [Fact]
    public void It_keeps_the_last_answered_messages_and_commands_and_every_one_not_yet_answered()
    {
        var state = new ChargePointState();
        for (var i = 0; i <= ChargePointState.HandledKept; i++)
        {
            state.Remember(new HandledMessage($"m{i}", "Heartbeat", "f", new HeartbeatResponse(Now)));
        }

        Assert.Equal(ChargePointState.HandledKept, state.Handled.Count);
        Assert.Null(state.HandledAs("m0"));
        Assert.NotNull(state.HandledAs($"m{ChargePointState.HandledKept}"));

        state.Add(Command("waiting", OcppCommandStatus.Queued, Now));
        for (var i = 0; i <= ChargePointState.CommandsKept; i++)
        {
            state.Add(Command($"d{i}", OcppCommandStatus.Accepted, Now));
        }

        Assert.Equal(ChargePointState.CommandsKept + 1, state.Commands.Count);
        Assert.Null(state.Command("d0"));
        Assert.NotNull(state.Command("waiting"));
    }

    [Fact]
    public void Dropping_queued_commands_leaves_those_already_sent()
    {
        var state = new ChargePointState();
        state.Add(Command("sent", OcppCommandStatus.Sent, Now));
        state.Add(Command("queued", OcppCommandStatus.Queued, Now));

        state.DropQueued(_ => true);

        Assert.Equal(["sent"], state.Commands.Select(c => c.Id));
    }
}
