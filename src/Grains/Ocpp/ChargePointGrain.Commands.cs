using System.Text.Json;
using Orleans.Runtime;
using Parking.Grains.Charging;

namespace Parking.Grains.Ocpp;

/// <summary>Commands: kept until the charge point answers them, delivered on reconnect, failed when they expire offline.</summary>
public sealed partial class ChargePointGrain
{
    private DeadlineWake Wake => _wake ??= new DeadlineWake(this, time, ExpiryReminder);

    public async Task<OcppCommandRecord> Send(string action, string payloadJson, string origin)
    {
        ExpireQueued();
        var command = Enqueue(action, payloadJson, origin);
        await state.WriteStateAsync();
        DeliverQueued();
        await ScheduleExpiry();
        return S.Command(command.Id) ?? command;
    }

    public async Task CallEnded(string commandId, OcppCallResult result)
    {
        if (S.Command(commandId) is not { IsDone: false } command)
        {
            return;
        }

        if (result.NotConnected)
        {
            // The socket went away before the CALL could be written: deliver it on the next connection.
            S.Replace(command with { Status = OcppCommandStatus.Queued });
            await state.WriteStateAsync();
            await ScheduleExpiry();
            return;
        }

        var status = result.ErrorCode is not null ? OcppCommandStatus.Failed : AnswerStatus(result.PayloadJson);
        var done = command with
        {
            Status = status,
            ResultJson = result.PayloadJson,
            Error = result.ErrorCode is null ? null : $"{result.ErrorCode}: {result.Error}",
            CompletedAt = Now,
        };
        S.Replace(done);
        if (command.Origin == RateUnitOrigin && status == OcppCommandStatus.Accepted && OcppCommands.RateUnitOf(result.PayloadJson) is { } unit && S.UsesRateUnit(unit))
        {
            if (S.Schedule is { } schedule)
            {
                EnqueueProfiles(schedule);
                DeliverQueued();
            }
        }

        await state.WriteStateAsync();

        // The unit probe is a question, not an order: a charger that does not answer it simply gets watts.
        if (status != OcppCommandStatus.Accepted && command.Origin != RateUnitOrigin)
        {
            Alert(status == OcppCommandStatus.Rejected ? ChargerAlertKind.CommandRejected : ChargerAlertKind.CommandFailed, $"{command.Action} to {ChargePointId} {status.ToString().ToLowerInvariant()}: {done.Error ?? done.ResultJson}");
        }

        Complete(done);
    }

    public async Task<OcppCommandRecord?> WaitFor(string commandId, TimeSpan timeout)
    {
        if (S.Command(commandId) is not { } command)
        {
            return null;
        }

        if (command.IsDone)
        {
            return command;
        }

        if (!_waiters.TryGetValue(commandId, out var waiter))
        {
            waiter = new TaskCompletionSource<OcppCommandRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters[commandId] = waiter;
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            return S.Command(commandId);
        }
    }

    public async Task ExpireOffline()
    {
        if (ExpireQueued())
        {
            await state.WriteStateAsync();
        }

        await ScheduleExpiry();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await ExpireOffline();
        if (OfflineExpiryDue() is null)
        {
            await Wake.Forget();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _wake?.Stop();
        return Task.CompletedTask;
    }

    private DateTimeOffset? OfflineExpiryDue() => S.OfflineExpiryDue(_policy.OfflineCommandExpiry);

    private Task ScheduleExpiry()
    {
        var self = this.AsReference<IChargePointGrain>();
        return Wake.Schedule(OfflineExpiryDue(), () => self.ExpireOffline());
    }

    private OcppCommandRecord Enqueue(string action, string payloadJson, string origin)
    {
        var command = new OcppCommandRecord(Guid.NewGuid().ToString("N"), action, payloadJson, origin, Now, OcppCommandStatus.Queued, null, null, null);
        S.Add(command);

        return command;
    }

    /// <summary>Sends every queued command, in order, through the host that holds the socket.</summary>
    private void DeliverQueued()
    {
        foreach (var command in S.TakeQueued())
        {
            S.Host!.Call(ChargePointId, command.Id, command.Action, command.PayloadJson).Ignore();
        }
    }

    /// <summary>Fails the commands kept longer than the offline expiry, and tells staff; true if there were any.</summary>
    private bool ExpireQueued()
    {
        var expired = S.ExpireQueued(Now, _policy.OfflineCommandExpiry);
        foreach (var failed in expired)
        {
            Alert(ChargerAlertKind.CommandFailed, $"{failed.Action} to {ChargePointId} failed: the charge point stayed offline.");
            Complete(failed);
        }

        return expired.Count > 0;
    }

    private static OcppCommandStatus AnswerStatus(string? payloadJson)
    {
        if (payloadJson is null)
        {
            return OcppCommandStatus.Accepted;
        }

        using var document = JsonDocument.Parse(payloadJson);
        return document.RootElement.TryGetProperty("status", out var status)
            ? status.GetString() is "Accepted" or "Unlocked" ? OcppCommandStatus.Accepted : OcppCommandStatus.Rejected
            : OcppCommandStatus.Accepted;
    }

    private void Complete(OcppCommandRecord command)
    {
        if (_waiters.Remove(command.Id, out var waiter))
        {
            waiter.TrySetResult(command);
        }
    }
}
