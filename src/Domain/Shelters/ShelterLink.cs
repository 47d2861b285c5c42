using System.Globalization;

namespace Parking.Domain.Shelters;

/// <summary>What Parking asks a shelter controller to do with its ports' relays.</summary>
public enum ShelterCommandAction
{
    /// <summary>Switch one port on (a session started on it).</summary>
    PortOn,

    /// <summary>Switch one port off (its session ended).</summary>
    PortOff,

    /// <summary>Switch every port off (an alarm).</summary>
    AllOff,
}

/// <summary>Whether a shelter has a controller reporting, and whether it still does.</summary>
public enum ControllerStatus
{
    /// <summary>No controller has reported yet: the shelter is run by hand (staff, the HTTP device endpoints).</summary>
    None,

    Online,

    /// <summary>The controller fell silent for longer than <see cref="ShelterPolicy.ControllerSilence"/>; the shelter refuses new sessions.</summary>
    Offline,
}

/// <summary>
/// A command to a shelter controller. <see cref="Ports"/> are the ports it must switch; each must be
/// confirmed (by the command's acknowledgement or by the port's own state message) by <see cref="DueBy"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShelterCommand(
    [Id(0)] string CommandId,
    [Id(1)] string CompoundId,
    [Id(2)] string ShelterId,
    [Id(3)] ShelterCommandAction Action,
    [Id(4)] string? PortId,
    [Id(5)] double? MaxPowerW,
    [Id(6)] DateTimeOffset IssuedAt,
    [Id(7)] DateTimeOffset DueBy,
    [Id(8)] IReadOnlyList<string> Ports)
{
    public bool SwitchesOff => Action != ShelterCommandAction.PortOn;
}

/// <summary>A command still waiting for some of its ports to be confirmed.</summary>
[GenerateSerializer, Immutable]
public sealed record PendingCommand(
    [Id(0)] ShelterCommand Command,
    [Id(1)] IReadOnlyList<string> Unconfirmed,
    [Id(2)] bool Sent);

/// <summary>
/// A command that was not carried out: the ports not confirmed and why (<c>no-ack</c>: nothing confirmed
/// them in time; <c>refused</c>: the controller said it failed; <c>not-sent</c>: no connection reached it).
/// A failed switch-off is the "port did not cut" alarm.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CommandFailure(
    [Id(0)] ShelterCommand Command,
    [Id(1)] IReadOnlyList<string> Ports,
    [Id(2)] string Reason,
    [Id(3)] string? Detail,
    [Id(4)] DateTimeOffset At)
{
    public bool PortDidNotCut => Command.SwitchesOff;
}

/// <summary>A controller's acknowledgement of a command: done, or failed with a reason.</summary>
[GenerateSerializer, Immutable]
public sealed record CommandAck(
    [Id(0)] string CommandId,
    [Id(1)] bool Ok,
    [Id(2)] string? Reason);

/// <summary>What a look at the clock found: failed commands and whether the controller just went offline.</summary>
[GenerateSerializer, Immutable]
public sealed record LinkCheck([Id(0)] IReadOnlyList<CommandFailure> Failed, [Id(1)] bool WentOffline);

/// <summary>The relay state a port last reported.</summary>
[GenerateSerializer, Immutable]
public sealed record PortRelay([Id(0)] bool On, [Id(1)] double PowerW, [Id(2)] DateTimeOffset At);

/// <summary>A controller message refused by its schema or its shelter: where it came, the field and the reason.</summary>
[GenerateSerializer, Immutable]
public sealed record RejectedMessage(
    [Id(0)] string Topic,
    [Id(1)] string Field,
    [Id(2)] string Reason,
    [Id(3)] DateTimeOffset At);

/// <summary>A controller's link as staff see it.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterLinkView(
    [Id(0)] ControllerStatus Status,
    [Id(1)] DateTimeOffset? LastSeenAt,
    [Id(2)] IReadOnlyList<PendingCommand> Pending,
    [Id(3)] IReadOnlyList<CommandFailure> RecentFailures,
    [Id(4)] long CommandsIssued,
    [Id(5)] IReadOnlyList<RejectedMessage> RecentRejected);

/// <summary>
/// The link between Parking and one shelter's controller: when it was last heard, the commands sent to it
/// that wait for confirmation, and the ones that failed. Pure: the controller grain is its single writer,
/// and time comes in as an argument. A shelter no controller ever reported for has no link: commands are
/// not issued (nobody would carry them out) and the shelter is never offline.
/// </summary>
[GenerateSerializer]
public sealed class ShelterLinkState
{
    private const int FailuresKept = 20;
    private const int RejectedKept = 20;

    [Id(0)]
    public DateTimeOffset? LastSeenAt { get; internal set; }

    [Id(1)]
    public bool Offline { get; internal set; }

    [Id(2)]
    internal List<PendingCommand> _pending = [];

    public IReadOnlyList<PendingCommand> Pending => _pending;

    [Id(3)]
    internal List<CommandFailure> _failures = [];

    public IReadOnlyList<CommandFailure> Failures => _failures;

    [Id(4)]
    public long CommandsIssued { get; internal set; }

    [Id(5)]
    internal Dictionary<string, PortRelay> _relays = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, PortRelay> Relays => _relays;

    /// <summary>The last messages refused, newest last: a record for staff, not a change to the shelter.</summary>
    [Id(6)]
    internal List<RejectedMessage> _rejected = [];

    public IReadOnlyList<RejectedMessage> Rejected => _rejected;

    public ControllerStatus Status => LastSeenAt is null ? ControllerStatus.None : Offline ? ControllerStatus.Offline : ControllerStatus.Online;

    /// <summary>The controller spoke. Returns true when it had been offline (it is back).</summary>
    public bool Heard(DateTimeOffset now)
    {
        LastSeenAt = LastSeenAt is { } seen && seen > now ? seen : now;
        if (!Offline)
        {
            return false;
        }

        Offline = false;
        return true;
    }

    /// <summary>
    /// A command for the controller, or null when the shelter has no controller. It waits in
    /// <see cref="Pending"/> until every port it switches is confirmed or <see cref="ShelterPolicy.CommandTimeout"/> passes.
    /// </summary>
    public ShelterCommand? Issue(
        string compoundId,
        string shelterId,
        ShelterCommandAction action,
        IReadOnlyList<string> ports,
        double? maxPowerW,
        ShelterPolicy policy,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(policy);
        if (LastSeenAt is null || ports.Count == 0)
        {
            return null;
        }

        CommandsIssued++;
        var command = new ShelterCommand(
            string.Create(CultureInfo.InvariantCulture, $"{shelterId}-c{CommandsIssued:000000}"),
            compoundId,
            shelterId,
            action,
            action == ShelterCommandAction.AllOff ? null : ports[0],
            action == ShelterCommandAction.PortOn ? maxPowerW : null,
            now,
            now + policy.CommandTimeout,
            action == ShelterCommandAction.AllOff ? [.. ports] : [ports[0]]);
        _pending.Add(new PendingCommand(command, command.Ports, Sent: false));
        return command;
    }

    /// <summary>The connection took the command (or could not): a command never sent fails at once.</summary>
    public CommandFailure? Sent(string commandId, bool sent, DateTimeOffset now)
    {
        var at = _pending.FindIndex(p => p.Command.CommandId == commandId);
        if (at < 0)
        {
            return null;
        }

        if (sent)
        {
            _pending[at] = _pending[at] with { Sent = true };
            return null;
        }

        return Fail(at, "not-sent", "No connection to the controller took the command.", now);
    }

    /// <summary>The controller acknowledged a command: done confirms every port it switches; failed fails the rest of them.</summary>
    public CommandFailure? Acknowledge(CommandAck ack, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ack);
        var at = _pending.FindIndex(p => p.Command.CommandId == ack.CommandId);
        if (at < 0)
        {
            // Unknown, already confirmed or already failed: a repeated acknowledgement changes nothing.
            return null;
        }

        if (ack.Ok)
        {
            _pending.RemoveAt(at);
            return null;
        }

        return Fail(at, "refused", ack.Reason, now);
    }

    /// <summary>A port reported its relay: off confirms switch-offs waiting for it, on confirms a switch-on.</summary>
    public void PortReported(string portId, bool on, double powerW, DateTimeOffset now)
    {
        _relays[portId] = new PortRelay(on, powerW, now);
        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            var pending = _pending[i];
            if (pending.Command.SwitchesOff == on || !pending.Unconfirmed.Contains(portId, StringComparer.Ordinal))
            {
                continue;
            }

            var rest = pending.Unconfirmed.Where(p => p != portId).ToList();
            if (rest.Count == 0)
            {
                _pending.RemoveAt(i);
            }
            else
            {
                _pending[i] = pending with { Unconfirmed = rest };
            }
        }
    }

    /// <summary>Fails commands past their deadline and takes a silent controller offline.</summary>
    public LinkCheck Check(ShelterPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var failed = new List<CommandFailure>();
        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            if (_pending[i].Command.DueBy <= now)
            {
                failed.Insert(0, Fail(i, "no-ack", "The ports were not confirmed in time.", now));
            }
        }

        var wentOffline = false;
        if (!Offline && LastSeenAt is { } seen && seen + policy.ControllerSilence <= now)
        {
            Offline = true;
            wentOffline = true;
        }

        return new LinkCheck(failed, wentOffline);
    }

    /// <summary>When <see cref="Check"/> next has something to do.</summary>
    public DateTimeOffset? NextDeadline(ShelterPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        DateTimeOffset? next = !Offline && LastSeenAt is { } seen ? seen + policy.ControllerSilence : null;
        foreach (var pending in _pending)
        {
            if (next is null || pending.Command.DueBy < next)
            {
                next = pending.Command.DueBy;
            }
        }

        return next;
    }

    public ShelterLinkView View() => new(Status, LastSeenAt, [.. _pending], [.. _failures], CommandsIssued, [.. _rejected]);

    /// <summary>Records a refused message; it does not count as hearing from the controller.</summary>
    public void Reject(RejectedMessage message)
    {
        _rejected.Add(message);
        if (_rejected.Count > RejectedKept)
        {
            _rejected.RemoveRange(0, _rejected.Count - RejectedKept);
        }
    }

    private CommandFailure Fail(int at, string reason, string? detail, DateTimeOffset now)
    {
        var pending = _pending[at];
        _pending.RemoveAt(at);
        var failure = new CommandFailure(pending.Command, pending.Unconfirmed, reason, detail, now);
        _failures.Add(failure);
        if (_failures.Count > FailuresKept)
        {
            _failures.RemoveRange(0, _failures.Count - FailuresKept);
        }

        return failure;
    }
}
