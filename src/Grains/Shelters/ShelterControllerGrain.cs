using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Shelters;
using Parking.Grains.Notifications;

namespace Parking.Grains.Shelters;

/// <summary>
/// A host's connection to shelter controllers (an MQTT client). Messages from a controller reach its grain
/// with the reference of the host they came through, and the grain sends commands back through it: a
/// device connection belongs to one host.
/// </summary>
public interface IShelterLink : IGrainObserver
{
    /// <summary>Publishes a command; true once the broker has taken it.</summary>
    Task<bool> Send(ShelterCommand command);
}

/// <summary>Telemetry of a shelter controller: total power (W), temperature (°C), smoke (obscuration, % per metre).</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterTelemetry([property: Id(0)] double PowerW, [property: Id(1)] double TemperatureC, [property: Id(2)] double Smoke);

/// <summary>A port's relay and meter as its controller reports them.</summary>
[GenerateSerializer, Immutable]
public sealed record PortRelayReport([property: Id(0)] bool On, [property: Id(1)] double PowerW, [property: Id(2)] double EnergyWh);

/// <summary>A command that did not switch its ports: the louder, second alarm when it was a cut.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterCommandFailedPush(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string ShelterId,
    [property: Id(2)] string Name,
    [property: Id(3)] CommandFailure Failure) : Push;

/// <summary>
/// The link to one shelter's controller (key: compound/shelter, as the shelter): hears its telemetry, port
/// states and acknowledgements, hands readings to the shelter grain, sends the shelter's commands and
/// watches that each is confirmed in time. A controller that falls silent takes its shelter offline.
/// </summary>
public interface IShelterControllerGrain : IGrainWithStringKey
{
    /// <summary>Telemetry; a reading at or over an alarm threshold raises the shelter's alarm. Error: unknown shelter.</summary>
    Task<Outcome<bool>> Telemetry(ShelterTelemetry telemetry, IShelterLink via);

    /// <summary>A port's relay and meter. Error: unknown shelter or port.</summary>
    Task<Outcome<bool>> PortState(string portId, PortRelayReport report, IShelterLink via);

    /// <summary>An acknowledgement of a command (repeated ones change nothing).</summary>
    Task Acknowledge(CommandAck ack, IShelterLink via);

    /// <summary>From the shelter grain: switch ports. Not issued when the shelter has no controller.</summary>
    [OneWay]
    Task Command(ShelterCommandAction action, IReadOnlyList<string> ports, double? maxPowerW);

    /// <summary>
    /// A message from this controller was refused (its schema, or an unknown port): recorded for staff with the
    /// field and the reason. It changes nothing else: the controller is not thereby heard.
    /// </summary>
    Task Rejected(string topic, string field, string reason);

    [ReadOnly]
    Task<ShelterLinkView> GetView();

    /// <summary>Fails commands past their deadline and takes a silent controller offline (the deadline timer calls it).</summary>
    Task Check();
}

public sealed partial class ShelterControllerGrain(
    [PersistentState("shelter-controller", GrainKeys.StorageName)] IPersistentState<ShelterLinkState> state,
    IOptions<ShelterPolicy> policyOptions,
    ParkingClock time,
    ILogger<ShelterControllerGrain> logger) : Grain, IShelterControllerGrain, IRemindable
{
    private const string CheckReminder = "shelter-controller-check";
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(3);

    private readonly ShelterPolicy _policy = policyOptions.Value;
    private string _compoundId = string.Empty;
    private string _shelterId = string.Empty;
    private string _name = string.Empty;
    private HashSet<string> _ports = new(StringComparer.Ordinal);
    private IShelterLink? _via;
    private DeadlineWake? _wake;

    private ShelterLinkState Link => state.State;

    private IShelterGrain Shelter => GrainFactory.Shelter(_compoundId, _shelterId);

    private DeadlineWake Wake => _wake ??= new DeadlineWake(this, time, CheckReminder);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_compoundId, _shelterId) = CompoundScopedKey.Of(this);
        var definition = (await GrainFactory.Compound(_compoundId).GetShelters()).FirstOrDefault(s => s.ShelterId == _shelterId);
        if (definition is not null)
        {
            _name = definition.Name;
            _ports = new HashSet<string>(definition.PortIds, StringComparer.Ordinal);
        }

        await Wake.LoadReminder(cancellationToken);
        await Schedule();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _wake?.Stop();
        return Task.CompletedTask;
    }

    public async Task<Outcome<bool>> Telemetry(ShelterTelemetry telemetry, IShelterLink via)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        if (_ports.Count == 0)
        {
            return UnknownShelter();
        }

        await Heard(via);
        var raised = false;
        if (telemetry.Smoke >= _policy.SmokeAlarmLevel)
        {
            raised |= (await Shelter.ReportAlarm(new AlarmReading(AlarmKind.Smoke, telemetry.Smoke))).Value?.Raised == true;
        }

        if (telemetry.TemperatureC >= _policy.AlarmTemperatureCelsius)
        {
            raised |= (await Shelter.ReportAlarm(new AlarmReading(AlarmKind.Temperature, telemetry.TemperatureC))).Value?.Raised == true;
        }

        return raised;
    }

    public async Task<Outcome<bool>> PortState(string portId, PortRelayReport report, IShelterLink via)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_ports.Count == 0)
        {
            return UnknownShelter();
        }

        if (!_ports.Contains(portId))
        {
            return DomainError.NotFound("port-not-found", $"No port '{portId}' in this shelter.");
        }

        var pendingBefore = Link.Pending.Count;
        var before = Link.Relays.GetValueOrDefault(portId);
        await Heard(via);
        Link.PortReported(portId, report.On, report.PowerW, Now);
        if (Link.Pending.Count != pendingBefore)
        {
            await Save();
        }

        // An idle port that stays idle tells the shelter nothing new; everything else is a meter reading.
        if (report.On || report.PowerW > 0 || before is null || before.On || before.PowerW > 0)
        {
            await Shelter.ReportPort(portId, new PortReport(report.PowerW, report.EnergyWh));
        }

        return true;
    }

    public async Task Acknowledge(CommandAck ack, IShelterLink via)
    {
        ArgumentNullException.ThrowIfNull(ack);
        var pendingBefore = Link.Pending.Count;
        await Heard(via);
        var failure = Link.Acknowledge(ack, Now);
        if (Link.Pending.Count != pendingBefore)
        {
            await Save();
        }

        if (failure is not null)
        {
            Report(failure);
        }
    }

    public async Task Command(ShelterCommandAction action, IReadOnlyList<string> ports, double? maxPowerW)
    {
        if (Link.Issue(_compoundId, _shelterId, action, ports, maxPowerW, _policy, Now) is not { } command)
        {
            return;
        }

        await Save();
        var sent = false;
        if (_via is { } via)
        {
            try
            {
                sent = await via.Send(command).WaitAsync(SendTimeout);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSendFailed(exception, this.GetPrimaryKeyString(), command.CommandId);
            }
        }

        if (Link.Sent(command.CommandId, sent, Now) is { } failure)
        {
            await Save();
            Report(failure);
        }
    }

    public async Task Rejected(string topic, string field, string reason)
    {
        if (_ports.Count == 0)
        {
            // No such shelter: nothing to record it on (the host has logged it).
            return;
        }

        Link.Reject(new RejectedMessage(topic, field, reason, Now));
        await state.WriteStateAsync();
    }

    public Task<ShelterLinkView> GetView() => Task.FromResult(Link.View());

    public async Task Check()
    {
        var check = Link.Check(_policy, Now);
        if (check.Failed.Count == 0 && !check.WentOffline)
        {
            await Schedule();
            return;
        }

        await Save();
        foreach (var failure in check.Failed)
        {
            Report(failure);
        }

        if (check.WentOffline)
        {
            LogOffline(this.GetPrimaryKeyString(), Link.LastSeenAt);
            await Shelter.SetControllerOffline(true);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status) => await Check();

    private DateTimeOffset Now => time.GetUtcNow();

    private async Task Heard(IShelterLink via)
    {
        _via = via;
        var first = Link.LastSeenAt is null;
        if (Link.Heard(Now))
        {
            LogBack(this.GetPrimaryKeyString());
            await Save();
            await Shelter.SetControllerOffline(false);
        }
        else if (first)
        {
            await Save();
        }
        else
        {
            await Schedule();
        }
    }

    private async Task Save()
    {
        await state.WriteStateAsync();
        await Schedule();
    }

    private Task Schedule()
    {
        var self = this.AsReference<IShelterControllerGrain>();
        return Wake.Schedule(Link.NextDeadline(_policy), () => self.Check());
    }

    private void Report(CommandFailure failure)
    {
        LogCommandFailed(this.GetPrimaryKeyString(), failure.Command.CommandId, failure.Command.Action, string.Join(",", failure.Ports), failure.Reason, failure.PortDidNotCut);
        GrainFactory.Publish(new ShelterCommandFailedPush(_compoundId, _shelterId, _name, failure));
    }

    private static DomainError UnknownShelter() => DomainError.NotFound("shelter-not-found", "No such e-bike shelter.");

    [LoggerMessage(Level = LogLevel.Critical, Message = "Shelter {ShelterKey}: command {CommandId} ({Action}) failed for port(s) {Ports}: {Reason} (port did not cut: {DidNotCut})")]
    private partial void LogCommandFailed(string shelterKey, string commandId, ShelterCommandAction action, string ports, string reason, bool didNotCut);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shelter {ShelterKey}: could not hand command {CommandId} to its connection")]
    private partial void LogSendFailed(Exception exception, string shelterKey, string commandId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shelter {ShelterKey}: controller silent since {LastSeenAt}; offline, new sessions refused")]
    private partial void LogOffline(string shelterKey, DateTimeOffset? lastSeenAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shelter {ShelterKey}: controller reporting again")]
    private partial void LogBack(string shelterKey);
}

public static class ShelterControllerGrainKeys
{
    public static IShelterControllerGrain ShelterController(this IGrainFactory grains, string compoundId, string shelterId) =>
        grains.GetGrain<IShelterControllerGrain>(GrainKeys.Of(compoundId, shelterId));
}
