using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parking.Grains.Notifications;

namespace Parking.Api.Hubs;

/// <summary>
/// SignalR's in-memory lifetime manager for <see cref="ParkingHubServer"/>, with a bound on what one connection may
/// hold unsent: past <see cref="HubPushOptions.MaxPendingMessagesPerConnection"/> messages handed over and not yet
/// written, the connection's socket is cut. Its client reconnects and catches up by version, as after any gap.
/// </summary>
/// <remarks>
/// SignalR writes to a connection one message at a time: a message handed over while an earlier one waits for the
/// socket waits for its turn (the connection's write lock), with no limit, and a group send finishes only when every
/// member has taken it. <see cref="HubObserver"/> does not wait for group sends (one watcher slow to read must not hold
/// back the others), so a watcher that stops reading but keeps its connection would gather waiting sends without end.
/// The default manager keeps its groups to itself and writes to their members directly, so the count per connection
/// can only be kept where the writes are made: this manager keeps the group membership (as the default one does, a
/// set of connections per group) and sends to groups itself, one serialized message shared by all members as before.
/// Everything else (connections, sends to all, to a connection or a user, client results) stays the default's.
/// </remarks>
public sealed partial class BoundedHubLifetimeManager(
    ILogger<DefaultHubLifetimeManager<ParkingHubServer>> defaultLogger,
    IOptions<HubPushOptions> options,
    ILogger<BoundedHubLifetimeManager> logger) : DefaultHubLifetimeManager<ParkingHubServer>(defaultLogger)
{
    private readonly int _maxPending = options.Value.MaxPendingMessagesPerConnection;
    private readonly ConcurrentDictionary<string, Member> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Member>> _groups = new(StringComparer.Ordinal);

    /// <summary>Joins and leaves change a group and its member together; sends read the groups without it.</summary>
    private readonly Lock _membership = new();

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connections[connection.ConnectionId] = new Member(connection);
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (_connections.TryRemove(connection.ConnectionId, out var member))
        {
            lock (_membership)
            {
                foreach (var group in member.Groups)
                {
                    Leave(group, connection.ConnectionId);
                }

                member.Groups.Clear();
            }
        }

        return base.OnDisconnectedAsync(connection);
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(groupName);
        if (_connections.TryGetValue(connectionId, out var member))
        {
            lock (_membership)
            {
                _groups.GetOrAdd(groupName, _ => new(StringComparer.Ordinal))[connectionId] = member;
                member.Groups.Add(groupName);
            }
        }

        return Task.CompletedTask;
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(groupName);
        if (_connections.TryGetValue(connectionId, out var member))
        {
            lock (_membership)
            {
                Leave(groupName, connectionId);
                member.Groups.Remove(groupName);
            }
        }

        return Task.CompletedTask;
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        return SendGroups([groupName], methodName, args, excluded: null, cancellationToken);
    }

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupNames);
        return SendGroups(groupNames, methodName, args, excluded: null, cancellationToken);
    }

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        return SendGroups([groupName], methodName, args, excludedConnectionIds, cancellationToken);
    }

    /// <summary>How many messages the connection holds handed over and not yet written (0 when it is not connected here).</summary>
    public int Pending(string connectionId) => _connections.TryGetValue(connectionId, out var member) ? member.Pending : 0;

    /// <summary>The groups with at least one connection on this host whose names start with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<string> GroupsStartingWith(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return [.. _groups.Keys.Where(g => g.StartsWith(prefix, StringComparison.Ordinal))];
    }

    private void Leave(string groupName, string connectionId)
    {
        if (_groups.TryGetValue(groupName, out var members) && members.TryRemove(connectionId, out _) && members.IsEmpty)
        {
            _groups.TryRemove(groupName, out _);
        }
    }

    private Task SendGroups(IReadOnlyList<string> groupNames, string methodName, object?[] args, IReadOnlyList<string>? excluded, CancellationToken cancellationToken)
    {
        List<Task>? writing = null;
        SerializedHubMessage? message = null;
        foreach (var groupName in groupNames)
        {
            if (string.IsNullOrEmpty(groupName))
            {
                throw new InvalidOperationException("Cannot send to an empty group name.");
            }

            if (!_groups.TryGetValue(groupName, out var members))
            {
                continue;
            }

            foreach (var (connectionId, member) in members)
            {
                if (excluded?.Contains(connectionId) == true)
                {
                    continue;
                }

                message ??= new SerializedHubMessage(new InvocationMessage(methodName, args));
                if (Write(member, message, cancellationToken) is { } write)
                {
                    (writing ??= []).Add(write);
                }
            }
        }

        return writing is null ? Task.CompletedTask : Task.WhenAll(writing);
    }

    /// <summary>Hands the message to the connection, or drops the connection when it already holds the most it may.</summary>
    private Task? Write(Member member, SerializedHubMessage message, CancellationToken cancellationToken)
    {
        if (!member.TryHold(_maxPending))
        {
            if (member.TryDrop())
            {
                LogDropped(logger, member.Connection.ConnectionId, _maxPending);

                // The socket, not the hub connection: HubConnectionContext.Abort would close with "do not reconnect"
                // should the client read that far, whereas a cut socket makes the client reconnect and catch up.
                if (member.Connection.Features.Get<IConnectionLifetimeFeature>() is { } transport)
                {
                    transport.Abort();
                }
                else
                {
                    member.Connection.Abort();
                }
            }

            return null;
        }

        ValueTask write;
        try
        {
            write = member.Connection.WriteAsync(message, cancellationToken);
        }
        catch
        {
            member.Written();
            throw;
        }

        if (write.IsCompletedSuccessfully)
        {
            // A value task from a reusable source must be read before it is let go.
            write.GetAwaiter().GetResult();
            member.Written();
            return null;
        }

        return Finish(member, write);
    }

    private static async Task Finish(Member member, ValueTask write)
    {
        try
        {
            await write;
        }
        finally
        {
            member.Written();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub connection {ConnectionId} dropped: it holds {Pending} messages it has not taken; its client reconnects and catches up")]
    private static partial void LogDropped(ILogger logger, string connectionId, int pending);

    /// <summary>A connection with the groups it is in (changed under the membership lock) and its count of waiting writes.</summary>
    private sealed class Member(HubConnectionContext connection)
    {
        private int _pending;
        private int _dropped;

        public HubConnectionContext Connection { get; } = connection;

        public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

        public int Pending => Volatile.Read(ref _pending);

        /// <summary>Counts one more waiting write, unless the connection already holds <paramref name="max"/>.</summary>
        public bool TryHold(int max)
        {
            if (Interlocked.Increment(ref _pending) <= max)
            {
                return true;
            }

            Interlocked.Decrement(ref _pending);
            return false;
        }

        public void Written() => Interlocked.Decrement(ref _pending);

        /// <summary>True the first time only: the connection is aborted once.</summary>
        public bool TryDrop() => Interlocked.Exchange(ref _dropped, 1) == 0;
    }
}
