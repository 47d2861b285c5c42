using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Shelters;
using Parking.Grains.Notifications;

namespace Parking.Grains.Shelters;

/// <summary>
/// The only writer of one shelter's state: every session, meter reading and alarm passes through this
/// activation one at a time. After each change it persists the state, then pushes the shelter's new
/// picture to staff watching it and each changed session to its driver. A timer on the domain clock ends
/// sessions at their maximum length or once their battery is full; a reminder wakes the shelter again
/// while sessions run, in case it was deactivated or its silo died.
/// </summary>
public sealed partial class ShelterGrain(
    [PersistentState("shelter", GrainKeys.StorageName)] IPersistentState<ShelterState> state,
    IOptions<ShelterPolicy> policyOptions,
    ParkingClock time,
    ILogger<ShelterGrain> logger) : Grain, IShelterGrain, IRemindable
{
    private const string SweepReminder = "shelter-sweep";

    private readonly ShelterPolicy _policy = policyOptions.Value;
    private DeadlineWake? _wake;

    private ShelterState Shelter => state.State;

    private DateTimeOffset Now => time.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (compoundId, shelterId) = CompoundScopedKey.Of(this);
        var definition = (await GrainFactory.Compound(compoundId).GetShelters()).FirstOrDefault(s => s.ShelterId == shelterId);
        if (definition is not null && Shelter.Configure(compoundId, definition))
        {
            await state.WriteStateAsync(cancellationToken);
        }

        if (Shelter.IsConfigured)
        {
            await Wake.LoadReminder(cancellationToken);
            await ScheduleSweep();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _wake?.Stop();
        return Task.CompletedTask;
    }

    public async Task Reload()
    {
        var (compoundId, shelterId) = CompoundScopedKey.Of(this);
        var definition = (await GrainFactory.Compound(compoundId).GetShelters()).FirstOrDefault(s => s.ShelterId == shelterId);
        if (definition is not null && Shelter.Configure(compoundId, definition))
        {
            await Commit([]);
        }
        else if (definition is null && Shelter.IsConfigured)
        {
            // Dropped from the compound's file: every running session ends (its driver is told, as when staff stop it),
            // the controller switches every port off, and the shelter is unknown from now on.
            var ports = Shelter.Ports.Select(p => p.PortId).ToList();
            var ended = Shelter.Retire(Now);
            Controller.Command(ShelterCommandAction.AllOff, ports, null).Ignore();
            await Commit(ended);
            LogRetired(this.GetPrimaryKeyString(), ended.Count);
        }
    }

    /// <summary>Only ended entries go, so what callers see now does not change; a failed write drops the activation, as elsewhere.</summary>
    public Task<int> ForgetBefore(DateTimeOffset cutoff) => state.WriteIfChangedAsync(this, Shelter.Forget(cutoff));

    public Task<int> Anonymise(string residentId, string pseudonym) => state.WriteIfChangedAsync(this, Shelter.Anonymise(residentId, pseudonym));

    public async Task<ShelterSnapshot?> GetSnapshot()
    {
        await Sweep();
        return Shelter.Snapshot(_policy, Now);
    }

    public Task<Outcome<ShelterSession>> StartSession(StartSessionCommand command) =>
        Change(now => Shelter.Start(command, _policy, now), s => [s]);

    public Task<Outcome<ShelterSession>> StopSession(string sessionId, Actor actor) =>
        Change(now => Shelter.Stop(sessionId, actor, now), s => [s]);

    public async Task<Outcome<ShelterSession>> GetSession(string sessionId, Actor actor)
    {
        await Sweep();
        return Shelter.Find(sessionId, actor);
    }

    public async Task<IReadOnlyList<ShelterSession>> GetSessionsOf(string residentId)
    {
        await Sweep();
        return [.. Shelter.Sessions.Where(s => s.ResidentId == residentId).OrderByDescending(s => s.StartedAt)];
    }

    public Task<Outcome<PortReportResult>> ReportPort(string portId, PortReport report) =>
        Change(now => Shelter.Report(portId, report, _policy, now), r => r.Ended is { } ended ? [ended] : []);

    public async Task<Outcome<AlarmResult>> ReportAlarm(AlarmReading reading)
    {
        var outcome = await Change(now => Shelter.RaiseAlarm(reading, _policy, now), r => r.Cut, r => r.Raised);
        if (outcome.Value is { Raised: true, Alarm: { } alarm } result)
        {
            LogAlarm(this.GetPrimaryKeyString(), alarm.Kind, alarm.Value, result.Cut.Count);
            Publish(new ShelterAlarmPush(Shelter.CompoundId!, Shelter.Definition!.ShelterId, Shelter.Definition.Name, alarm, [.. result.Cut.Select(s => s.ResidentId).Distinct()]));
            CutEveryPort();
        }

        return outcome;
    }

    public async Task<Outcome<ShelterAlarm>> ClearAlarm(string staffId)
    {
        var outcome = await Change(now => Shelter.ClearAlarm(staffId, now), _ => []);
        if (outcome.Value is { } cleared)
        {
            Publish(new ShelterAlarmPush(Shelter.CompoundId!, Shelter.Definition!.ShelterId, Shelter.Definition.Name, cleared, []));
        }

        return outcome;
    }

    public async Task<int> Sweep()
    {
        var ended = Shelter.Sweep(_policy, Now);
        if (ended.Count > 0)
        {
            await Commit(ended);
        }

        return ended.Count;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await Sweep();
        await ScheduleSweep();
    }

    private async Task<Outcome<T>> Change<T>(
        Func<DateTimeOffset, Outcome<T>> command,
        Func<T, IEnumerable<ShelterSession>> changedSessions,
        Func<T, bool>? changedState = null)
    {
        var now = Now;

        // A session past its deadline ends before anything else is decided, whether or not the timer has fired.
        var swept = Shelter.Sweep(_policy, now);
        var outcome = command(now);
        if (outcome.Value is { } value && (changedState?.Invoke(value) ?? true))
        {
            await Commit([.. swept, .. changedSessions(value)]);
        }
        else if (swept.Count > 0)
        {
            await Commit(swept);
        }

        return outcome;
    }

    private async Task Commit(IReadOnlyList<ShelterSession> changed)
    {
        var now = Now;
        Shelter.Prune(_policy, now);
        await state.WriteOrDeactivateAsync(this, exception => LogWriteFailed(exception, this.GetPrimaryKeyString()));

        if (Shelter.Snapshot(_policy, now) is { } snapshot)
        {
            Publish(new ShelterChangedPush(snapshot));
        }

        foreach (var session in changed)
        {
            Publish(new ShelterSessionChangedPush(session));
        }

        SwitchPorts(changed);

        await ScheduleSweep();
    }

    private void Publish(Push push) => GrainFactory.Publish(push);

    /// <summary>
    /// A timer on the domain clock (so a simulated or test clock fires it too) at the next deadline; it
    /// sends this grain a message, so the sweep runs inside the grain, one turn at a time. The reminder
    /// is registered while sessions run and removed when none does.
    /// </summary>
    private Task ScheduleSweep()
    {
        var self = this.AsReference<IShelterGrain>();
        return Wake.Schedule(Shelter.NextDeadline(_policy), () => self.Sweep());
    }

    private DeadlineWake Wake => _wake ??= new DeadlineWake(this, time, SweepReminder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shelter {ShelterKey}: {Kind} alarm ({Value}); every port cut, {Sessions} session(s) ended")]
    private partial void LogAlarm(string shelterKey, AlarmKind kind, double value, int sessions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shelter {ShelterKey} left the compound's file: {Sessions} session(s) ended, every port switched off")]
    private partial void LogRetired(string shelterKey, int sessions);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the state of shelter {ShelterKey}; the activation will reload it")]
    private partial void LogWriteFailed(Exception exception, string shelterKey);
}
