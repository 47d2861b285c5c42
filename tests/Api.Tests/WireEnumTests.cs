using System.Text.Json;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Charging;
using Parking.Domain.Credits;
using Parking.Domain.Gates;
using Parking.Domain.Layout;
using Parking.Domain.Membership;
using Parking.Domain.Notices;
using Parking.Domain.Rebalancing;
using Parking.Domain.Reservations;
using Parking.Domain.Rounds;
using Parking.Domain.Shelters;
using Parking.Domain.Voting;
using Parking.Domain.Scenarios;
using Parking.Grains.Scenarios;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// The Contracts enums against what they replace: the API maps each Domain member to the member of the same
/// name, and each is written as the word the API wrote before the enums (the Domain name in camel case).
/// </summary>
[Collection(SharedHostCollection.Name)]
public sealed class WireEnumTests(SharedHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    public static TheoryData<string> Pairs() => [.. Mappings.Keys];

    private static readonly Dictionary<string, Func<IEnumerable<(string Domain, string Old, Enum Dto)>>> Mappings = new()
    {
        ["space kind"] = () => All<SpaceKind, SpaceKindDto>(v => v.ToDto()),
        ["space ownership"] = () => All<SpaceOwnership, SpaceOwnershipDto>(v => v.ToDto()),
        ["tariff level"] = () => All<TariffLevel, TariffLevelDto>(v => v.ToDto()),
        ["lot kind"] = () => All<LotKind, LotKindDto>(v => v.ToDto()),
        ["space status"] = () => All<SpaceStatus, SpaceStatusDto>(v => v.ToDto()),
        ["reservation status"] = () => All<ReservationStatus, ReservationStatusDto>(v => v.ToDto()),
        ["charging request status"] = () => All<ChargingRequestStatus, ChargingRequestStatusDto>(v => v.ToDto()),
        ["charger status"] = () => All<ChargerStatus, ChargerStatusDto>(v => v.ToDto()),
        ["port status"] = () => All<PortStatus, PortStatusDto>(v => v.ToDto()),
        ["vote status"] = () => All<VoteStatus, VoteStatusDto>(v => v.ToDto()),
        ["rebalancing status"] = () => All<RebalancingStatus, RebalancingStatusDto>(v => v.ToDto()),
        ["import job state"] = () => All<Parking.Grains.Compounds.ImportJobState, ImportJobStateDto>(ImportJobRunner.ToDto),
        ["simulation run status"] = () => All<SimulationRunStatus, SimulationRunStatusDto>(Endpoints.ScenarioMapping.ToDto),
        ["gate reason"] = () => All<GateReason, GateReasonDto>(v => v.ToDto(), Kebab),
        ["gate direction"] = () => All<GateDirection, GateDirectionDto>(v => v.ToDto()),
        ["plate colour"] = () => All<PlateColour, PlateColourDto>(v => v.ToDto()),
        ["notice kind"] = () => All<NoticeKind, NoticeKindDto>(v => v.ToDto(), Kebab),
        ["shelter alarm kind"] = () => All<AlarmKind, ShelterAlarmKindDto>(v => v.ToDto()),
        ["round entry origin"] = () => All<RoundEntryOrigin, RoundEntryOriginDto>(v => v.ToDto()),
        ["round request status"] = () => All<RoundRequestStatus, RoundRequestStatusDto>(v => v.ToDto()),
        ["round solve status"] = () => All<RoundSolveStatus, RoundSolveStatusDto>(v => v.ToDto()),
        ["notice delivery status"] = () => All<DeliveryStatus, NoticeDeliveryStatusDto>(v => v.ToDto()),
        ["user role"] = () => All<UserRole, UserRoleDto>(v => v.ToDto()),
        ["invite status"] = () => All<InviteStatus, InviteStatusDto>(v => v.ToDto()),
        ["join request status"] = () => All<JoinRequestStatus, JoinRequestStatusDto>(v => v.ToDto()),
        ["audit action"] = () => All<AuditAction, AuditActionDto>(v => v.ToDto()),
        ["charging notice kind"] = () => All<ChargingNoticeKind, ChargingNoticeKindDto>(v => v.ToDto()),
        ["ledger kind"] = () => All<LedgerKind, LedgerKindDto>(v => v.ToDto()),
        ["session end reason"] = () => All<SessionEndReason, SessionEndReasonDto>(v => v.ToDto()),
        ["vote matter"] = () => All<VoteMatter, VoteMatterDto>(v => v.ToDto()),
        ["ballot choice"] = () => All<BallotChoice, BallotChoiceDto>(v => v.ToDto()),
        ["ballot action"] = () => All<BallotAction, BallotActionDto>(v => v.ToDto()),
        ["rebalancing need"] = () => All<Need, RebalancingNeedKindDto>(Endpoints.RebalancingEndpoints.ToDto),
        ["ocpp command status"] = () => All<Parking.Grains.Ocpp.OcppCommandStatus, OcppCommandStatusDto>(Parking.Api.Ocpp.OcppEndpoints.ToDto),
        ["charger alert kind"] = () => All<Parking.Grains.Ocpp.ChargerAlertKind, ChargerAlertKindDto>(Parking.Api.Ocpp.OcppEndpoints.ToDto, Kebab),
        ["shelter command action"] = () => All<ShelterCommandAction, ShelterCommandActionDto>(v => v.ToDto(), Kebab),
        ["shelter controller status"] = () => All<ControllerStatus, ShelterControllerStatusDto>(v => v.ToDto()),
        ["broken booking reason"] = () => All<BrokenBookingReason, BrokenBookingReasonDto>(Endpoints.SharingEndpoints.ToDto),
        ["rebalancing solve status"] = () => All<RebalancingSolveStatus, RebalancingSolveStatusDto>(Endpoints.RebalancingEndpoints.ToDto),
        // A plan's status was the planner's enum printed as it is (Optimal, Fallback).
        ["area plan status"] = () => All<AreaPlanStatus, ChargingPlanStatusDto>(v => v.ToDto(), v => v.ToString()),
    };

    // Words the API wrote before these enums existed, spelled out rather than derived, for the kinds and reasons
    // that were kebab case; the rest were the Domain name in camel case.
    private static readonly Dictionary<Enum, string> KebabWords = new()
    {
        [GateReason.CheckedIn] = "checked-in",
        [GateReason.CheckedOut] = "checked-out",
        [GateReason.VisitorPass] = "visitor-pass",
        [GateReason.HouseholdCar] = "household-car",
        [GateReason.ResidentCar] = "resident-car",
        [GateReason.Exit] = "exit",
        [GateReason.UnknownPlate] = "unknown-plate",
        [GateReason.LowConfidence] = "low-confidence",
        [GateReason.NoReservationLotsFull] = "no-reservation-lots-full",
        [GateReason.CheckInRefused] = "check-in-refused",
        [GateReason.CheckOutRefused] = "check-out-refused",
        [Parking.Grains.Ocpp.ChargerAlertKind.Overdraw] = "overdraw",
        [Parking.Grains.Ocpp.ChargerAlertKind.OverdrawCleared] = "overdraw-cleared",
        [Parking.Grains.Ocpp.ChargerAlertKind.CommandRejected] = "command-rejected",
        [Parking.Grains.Ocpp.ChargerAlertKind.CommandFailed] = "command-failed",
        [ShelterCommandAction.PortOn] = "port-on",
        [ShelterCommandAction.PortOff] = "port-off",
        [ShelterCommandAction.AllOff] = "all-off",
        [NoticeKind.TurnScheduled] = "turn-scheduled",
        [NoticeKind.TurnMoved] = "turn-moved",
        [NoticeKind.PlugInNow] = "plug-in-now",
        [NoticeKind.MoveCar] = "move-car",
        [NoticeKind.NoShowWarning] = "no-show-warning",
        [NoticeKind.BookingBroken] = "booking-broken",
        [NoticeKind.ShelterAlarm] = "shelter-alarm",
        [NoticeKind.RoundResult] = "round-result",
        [NoticeKind.VoteOpened] = "vote-opened",
        [NoticeKind.VoteClosing] = "vote-closing",
    };

    private static string Kebab<TDomain>(TDomain value)
        where TDomain : struct, Enum => KebabWords[value];

    private static IEnumerable<(string Domain, string Old, Enum Dto)> All<TDomain, TDto>(Func<TDomain, TDto> map, Func<TDomain, string>? oldWord = null)
        where TDomain : struct, Enum
        where TDto : struct, Enum
    {
        Assert.Equal(Enum.GetNames<TDomain>(), Enum.GetNames<TDto>());
        return Enum.GetValues<TDomain>().Select(v => (v.ToString(), oldWord?.Invoke(v) ?? v.Wire(), (Enum)map(v)));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Each_member_maps_by_name_and_is_written_as_before(string pair)
    {
        foreach (var (domain, old, dto) in Mappings[pair]())
        {
            Assert.Equal(domain, dto.ToString());
            Assert.Equal($"\"{old}\"", JsonSerializer.Serialize(dto, dto.GetType()));
            Assert.Equal($"\"{old}\"", JsonSerializer.Serialize(dto, dto.GetType(), ParkingHost.Json));
            Assert.Equal(dto, JsonSerializer.Deserialize($"\"{old}\"", dto.GetType()));
        }
    }

    [Fact]
    public void The_dashboard_kinds_are_written_as_the_words_the_api_wrote_before_them()
    {
        // No Domain enum of their own: the API wrote these as literals ("charging", "vote"), and a pending
        // proposal's status as its vote or rebalancing status in lower case.
        Assert.Equal(["\"reservation\"", "\"charging\""], Enum.GetValues<NoShowKindDto>().Select(v => JsonSerializer.Serialize(v)));
        Assert.Equal(["\"vote\"", "\"rebalancing\""], Enum.GetValues<PendingProposalKindDto>().Select(v => JsonSerializer.Serialize(v)));
        Assert.Equal(["\"added\"", "\"removed\"", "\"changed\""], Enum.GetValues<ChargerChangeKindDto>().Select(v => JsonSerializer.Serialize(v)));
        VoteStatus[] pendingVotes = [VoteStatus.Scheduled, VoteStatus.Open];
        RebalancingStatus[] pendingSuggestions = [RebalancingStatus.Running, RebalancingStatus.Ready];
        Assert.Equal(
            [.. pendingVotes.Select(v => v.ToString().ToLowerInvariant()), .. pendingSuggestions.Select(v => v.ToString().ToLowerInvariant())],
            [.. pendingVotes.Select(v => v.ToPendingDto().WireName()), .. pendingSuggestions.Select(v => v.ToPendingDto().WireName())]);
        Assert.Contains("\"alarm\":\"smoke\"", JsonSerializer.Serialize(new ShelterDashboardDto("s", "n", 1, 0, AlarmKind.Smoke.ToDto(), null), ParkingHost.Json), StringComparison.Ordinal);
    }

    [Fact]
    public void A_reimport_preview_writes_the_request_status_as_its_name()
    {
        foreach (var status in Enum.GetValues<ChargingRequestStatus>())
        {
            var json = JsonSerializer.Serialize(new ChargingRequestEffectDto("a", "r", status.ToDto(), null, "e"), ParkingHost.Json);
            Assert.Contains($"\"status\":\"{status}\"", json, StringComparison.Ordinal);
            Assert.Equal(status.ToDto(), JsonSerializer.Deserialize<ChargingRequestEffectDto>(json, ParkingHost.Json)!.Status);
        }
    }

    // The shapes these DTOs had while their kinds and levels were strings.
    private sealed record EarlierSpaceChangeDto(string SpaceId, string LotId, string? KindBefore, string? KindAfter, string? OwnershipBefore, string? OwnershipAfter, string? OwnerHouseholdBefore, string? OwnerHouseholdAfter);

    private sealed record EarlierTariffBandDto(string? From, string? Level);

    private sealed record EarlierChargingTariffDto(string? Currency, decimal? PeakPrice, decimal? FlatPrice, decimal? ValleyPrice, EarlierTariffBandDto[]? Bands, string? UtcOffset = null);

    [Fact]
    public void A_reimport_space_change_is_written_as_when_its_kinds_were_strings()
    {
        foreach (var (before, after) in Enum.GetValues<SpaceKind>().SelectMany(b => Enum.GetValues<SpaceKind>(), (b, a) => (b, a)))
        {
            var retyped = new SpaceChangeDto("G1-004", "G1", before.ToDto(), after.ToDto(), null, null, null, null);
            var earlier = new EarlierSpaceChangeDto("G1-004", "G1", before.Wire(), after.Wire(), null, null, null, null);
            Assert.Equal(JsonSerializer.Serialize(earlier, ParkingHost.Json), JsonSerializer.Serialize(retyped, ParkingHost.Json));
            Assert.Equal(retyped, JsonSerializer.Deserialize<SpaceChangeDto>(JsonSerializer.Serialize(earlier, ParkingHost.Json), ParkingHost.Json));
        }

        foreach (var (before, after) in Enum.GetValues<SpaceOwnership>().SelectMany(b => Enum.GetValues<SpaceOwnership>(), (b, a) => (b, a)))
        {
            var reowned = new SpaceChangeDto("G1-004", "G1", null, null, before.ToDto(), after.ToDto(), "H1", null);
            var earlier = new EarlierSpaceChangeDto("G1-004", "G1", null, null, before.Wire(), after.Wire(), "H1", null);
            Assert.Equal(JsonSerializer.Serialize(earlier, ParkingHost.Json), JsonSerializer.Serialize(reowned, ParkingHost.Json));
        }
    }

    [Fact]
    public void A_tariff_is_written_as_when_its_levels_were_strings_and_reads_back_as_a_put_body()
    {
        var tariff = new ChargingTariffDto("CNY", 1.1m, 0.7m, 0.35m, [new("06:00", TariffLevelDto.Flat), new("08:00", TariffLevelDto.Peak), new("22:00", TariffLevelDto.Valley)], "+08:00");
        var earlier = new EarlierChargingTariffDto("CNY", 1.1m, 0.7m, 0.35m, [new("06:00", "flat"), new("08:00", "peak"), new("22:00", "valley")], "+08:00");
        var json = JsonSerializer.Serialize(tariff, ParkingHost.Json);
        Assert.Equal(JsonSerializer.Serialize(earlier, ParkingHost.Json), json);

        // What GET answers is a PUT body: the same fields and words (utcOffset is not read).
        var body = JsonSerializer.Deserialize<ChargingTariffBody>(json, ParkingHost.Json)!;
        Assert.Equal(("CNY", 1.1m, 0.7m, 0.35m), (body.Currency, body.PeakPrice, body.FlatPrice, body.ValleyPrice));
        Assert.Equal([("06:00", "flat"), ("08:00", "peak"), ("22:00", "valley")], body.Bands!.Select(b => (b.From, b.Level)));
    }

    [Fact]
    public void A_number_is_not_a_kind()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SpaceKindDto>("1"));
    }

    [Fact]
    public async Task The_api_writes_the_words_not_the_names_of_the_members()
    {
        var start = _host.Now.AddHours(30);
        var reservation = await _host.ReserveOkAsync("r00046", "G1-014", start, start.AddHours(1));

        using var mine = await _host.GetAsync(ParkingHost.CompoundPath($"reservations/{reservation.Id}"), "r00046");
        var json = await mine.Content.ReadAsStringAsync();
        Assert.Contains("\"status\":\"reserved\"", json, StringComparison.Ordinal);

        using var lot = await _host.GetAsync(ParkingHost.CompoundPath("lots/G1/occupancy"), "staff03");
        var occupancy = await lot.Content.ReadAsStringAsync();
        Assert.Contains("\"kind\":\"standard\"", occupancy, StringComparison.Ordinal);
        Assert.Contains("\"ownership\":", occupancy, StringComparison.Ordinal);
        Assert.DoesNotContain("\"status\":\"Free\"", occupancy, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"free\"", occupancy, StringComparison.Ordinal);
    }
}
