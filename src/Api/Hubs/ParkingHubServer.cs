using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Parking.Api.Auth;
using Parking.Api.Endpoints;
using Parking.Grains.Voting;

namespace Parking.Api.Hubs;

/// <summary>
/// The live channel at <c>/hubs/parking</c>. A connection joins its user's group at once and hears
/// about its own reservations; it may watch lots of its own compound, and only those.
/// </summary>
[Authorize]
public sealed class ParkingHubServer(IGrainFactory grains, Microsoft.Extensions.Options.IOptions<RequestLimitOptions> limits) : Hub<IParkingClient>
{
    public static string UserGroup(string compoundId, string userId) => $"user:{compoundId}/{userId}";

    /// <summary>How every lot's group name starts.</summary>
    public const string LotGroupPrefix = "lot:";

    public static string LotGroup(string compoundId, string lotId) => $"{LotGroupPrefix}{compoundId}/{lotId}";

    /// <summary>The compound and lot of a lot's group name (<see cref="LotGroup"/>), or null for any other group.</summary>
    public static (string CompoundId, string LotId)? LotOfGroup(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!group.StartsWith(LotGroupPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        // Compound ids hold no slash (the first slash of a grain key ends the compound), so the first one splits.
        var key = group[LotGroupPrefix.Length..];
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 || slash == key.Length - 1 ? null : (key[..slash], key[(slash + 1)..]);
    }

    public static string ShelterGroup(string compoundId, string shelterId) => $"shelter:{compoundId}/{shelterId}";

    /// <summary>Every staff connection of a compound: alarms reach them whatever they watch.</summary>
    public static string StaffGroup(string compoundId) => $"staff:{compoundId}";

    /// <summary>Every committee connection of a compound: simulation progress reaches them (and staff) whatever page they are on.</summary>
    public static string CommitteeGroup(string compoundId) => $"committee:{compoundId}";

    public static string ChargingAreaGroup(string compoundId, string areaId) => $"charging:{compoundId}/{areaId}";

    /// <summary>Those watching a proposal who see its turnout only (tallies once it has closed).</summary>
    public static string ProposalGroup(string compoundId, string proposalId) => $"proposal:{compoundId}/{proposalId}";

    /// <summary>The committee members watching a proposal: they see its tallies while it is open.</summary>
    public static string ProposalCommitteeGroup(string compoundId, string proposalId) => $"proposal-committee:{compoundId}/{proposalId}";

    /// <summary>Whoever watches an import job (job ids are unique across compounds).</summary>
    public static string ImportGroup(string jobId) => $"import:{jobId}";

    public override async Task OnConnectedAsync()
    {
        var user = RequireUser();
        await Groups.AddToGroupAsync(Context.ConnectionId, UserGroup(user.CompoundId, user.UserId));
        if (user.IsStaff)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, StaffGroup(user.CompoundId));
        }

        if (user.Role == Roles.Committee)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, CommitteeGroup(user.CompoundId));
        }

        await base.OnConnectedAsync();
    }

    /// <summary>
    /// Starts pushing the lot's changes to this connection and returns the lot as it is now. The
    /// connection joins before the picture is read, so no change falls between the two; a change may
    /// arrive twice, and its sequence number tells.
    /// </summary>
    public async Task<LotOccupancyDto> WatchLot(string compoundId, string lotId)
    {
        var user = RequireUser();
        if (!string.Equals(user.CompoundId, compoundId, StringComparison.Ordinal))
        {
            throw new HubException($"Forbidden: you may watch lots of compound '{user.CompoundId}' only.");
        }

        var group = LotGroup(compoundId, lotId);
        await JoinWatchAsync(group);
        var occupancy = await grains.Lot(compoundId, lotId).GetOccupancy();
        if (occupancy is null)
        {
            await LeaveWatchAsync(group);
            throw new HubException($"Not found: no lot '{lotId}' in compound '{compoundId}'.");
        }

        return occupancy.ToDto();
    }

    public Task UnwatchLot(string compoundId, string lotId) => LeaveWatchAsync(LotGroup(compoundId, lotId));

    /// <summary>
    /// Staff only: starts pushing the shelter's changes to this connection and returns it as it is now
    /// (joined first, so no change falls between). Drivers hear of their own sessions and of an alarm
    /// that cut them without watching.
    /// </summary>
    public async Task<ShelterDto> WatchShelter(string compoundId, string shelterId)
    {
        var user = RequireUser();
        if (!user.IsStaff || !string.Equals(user.CompoundId, compoundId, StringComparison.Ordinal))
        {
            throw new HubException($"Forbidden: only staff of compound '{compoundId}' may watch its shelters.");
        }

        var group = ShelterGroup(compoundId, shelterId);
        await JoinWatchAsync(group);
        var known = (await grains.Compound(compoundId).GetShelters()).Any(s => s.ShelterId == shelterId);
        var snapshot = known ? await grains.Shelter(compoundId, shelterId).GetSnapshot() : null;
        if (snapshot is null)
        {
            await LeaveWatchAsync(group);
            throw new HubException($"Not found: no shelter '{shelterId}' in compound '{compoundId}'.");
        }

        return snapshot.ToDto();
    }

    public Task UnwatchShelter(string compoundId, string shelterId) => LeaveWatchAsync(ShelterGroup(compoundId, shelterId));

    /// <summary>
    /// Staff only: starts pushing a charging area's changes (chargers, turns, plan) to this connection and
    /// returns the area as it is now. Joins before reading, as <see cref="WatchLot"/> does.
    /// </summary>
    public async Task<ChargingPlanDto> WatchChargingArea(string compoundId, string areaId)
    {
        var user = RequireUser();
        if (!user.IsStaff || !string.Equals(user.CompoundId, compoundId, StringComparison.Ordinal))
        {
            throw new HubException($"Forbidden: only staff of compound '{compoundId}' may watch its charging areas.");
        }

        var group = ChargingAreaGroup(compoundId, areaId);
        await JoinWatchAsync(group);
        var known = (await grains.Compound(compoundId).GetChargingAreas()).Any(a => a.AreaId == areaId);
        var view = known ? await grains.ChargingArea(compoundId, areaId).GetView() : null;
        if (view is null)
        {
            await LeaveWatchAsync(group);
            throw new HubException($"Not found: no charging area '{areaId}' in compound '{compoundId}'.");
        }

        return view.ToPlanDto();
    }

    public Task UnwatchChargingArea(string compoundId, string areaId) => LeaveWatchAsync(ChargingAreaGroup(compoundId, areaId));

    /// <summary>
    /// Anyone of the compound: starts pushing the proposal's vote to this connection and returns it as it is now
    /// (joined first, as <see cref="WatchLot"/>). The committee gets the tallies; others the turnout until the close.
    /// </summary>
    public async Task<ProposalDto> WatchProposal(string compoundId, string proposalId)
    {
        var user = RequireUser();
        if (!string.Equals(user.CompoundId, compoundId, StringComparison.Ordinal))
        {
            throw new HubException($"Forbidden: you may watch proposals of compound '{user.CompoundId}' only.");
        }

        var committee = VotingEndpoints.IsCommittee(user);
        var group = committee ? ProposalCommitteeGroup(compoundId, proposalId) : ProposalGroup(compoundId, proposalId);
        await JoinWatchAsync(group);
        var view = await grains.Proposal(compoundId, proposalId).Get();
        if (view is null)
        {
            await LeaveWatchAsync(group);
            throw new HubException($"Not found: no proposal '{proposalId}' in compound '{compoundId}'.");
        }

        return view.ToDto(committee);
    }

    public async Task UnwatchProposal(string compoundId, string proposalId)
    {
        await LeaveWatchAsync(ProposalGroup(compoundId, proposalId));
        await LeaveWatchAsync(ProposalCommitteeGroup(compoundId, proposalId));
    }

    /// <summary>
    /// Whoever may see the job (who started it, the compound's staff, an operator of its sub-district, as for
    /// <c>GET /api/compounds/imports/{jobId}</c>): starts pushing its progress to this connection and returns it as it
    /// is now, read after joining so that no step falls between the two.
    /// </summary>
    public async Task<ImportJobDto> WatchImport(string jobId)
    {
        var user = RequireUser();
        var visible = await CompoundImportEndpoints.VisibleJob(user, jobId, grains);
        if (visible.Error is { } refused)
        {
            throw new HubException($"{(refused.Kind == ErrorKind.NotFound ? "Not found" : "Forbidden")}: {refused.Message}");
        }

        await JoinWatchAsync(ImportGroup(jobId));
        return ImportJobRunner.Dto(await grains.ImportJob(jobId).Get() ?? visible.Value!);
    }

    public Task UnwatchImport(string jobId) => LeaveWatchAsync(ImportGroup(jobId));

    /// <summary>
    /// Joins a watched group, refusing past <see cref="RequestLimitOptions.MaxWatchesPerConnection"/>: each
    /// watch costs every change of that lot (or shelter...) a send to this connection. A connection's hub
    /// calls run one at a time, so the set needs no lock.
    /// </summary>
    private async Task JoinWatchAsync(string group)
    {
        var watched = Watched();
        var max = limits.Value.MaxWatchesPerConnection;
        if (!watched.Contains(group) && watched.Count >= max)
        {
            throw new HubException($"Too many watches: a connection may watch at most {max} lots, shelters, charging areas, proposals and import jobs at once; unwatch one first.");
        }

        watched.Add(group);
        await Groups.AddToGroupAsync(Context.ConnectionId, group);
    }

    private async Task LeaveWatchAsync(string group)
    {
        Watched().Remove(group);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, group);
    }

    private HashSet<string> Watched()
    {
        if (Context.Items.TryGetValue(nameof(Watched), out var value) && value is HashSet<string> set)
        {
            return set;
        }

        var created = new HashSet<string>(StringComparer.Ordinal);
        Context.Items[nameof(Watched)] = created;
        return created;
    }

    private CurrentUser RequireUser() =>
        Context.User is { } principal && CurrentUser.From(principal) is { } user
            ? user
            : throw new HubException("Forbidden: the token does not name a user and a compound.");
}
