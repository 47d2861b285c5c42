using Parking.Domain;
using Parking.Domain.Ocpp;
using Parking.Grains.Charging;
using Parking.Grains.Compounds;
using Parking.Grains.Credits;
using Parking.Grains.Gates;
using Parking.Grains.Membership;
using Parking.Grains.Notices;
using Parking.Grains.Notifications;
using Parking.Grains.Ocpp;
using Parking.Grains.Rounds;
using Parking.Grains.Sharing;

namespace Parking.Grains;

/// <summary>Typed ways to reach the grains that are not keyed by space, lot or resident: the key of each is built here only.</summary>
public static partial class GrainKeys
{
    /// <summary>A person across compounds (key: their user id, the token's subject).</summary>
    public static IMemberGrain Member(this IGrainFactory grains, string personId) =>
        grains.GetGrain<IMemberGrain>(personId);

    public static ICompoundPeopleGrain People(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<ICompoundPeopleGrain>(compoundId);

    public static IInviteCodeGrain InviteCode(this IGrainFactory grains, string code) =>
        grains.GetGrain<IInviteCodeGrain>(code);

    /// <summary>An import job (key: the job's id, a new GUID per job).</summary>
    public static IImportJobGrain ImportJob(this IGrainFactory grains, string jobId) =>
        grains.GetGrain<IImportJobGrain>(jobId);

    public static IHistoryRetentionGrain HistoryRetention(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<IHistoryRetentionGrain>(compoundId);

    /// <summary>The retention list that holds <paramref name="personId"/> if anyone does (key: compound/retention-N).</summary>
    public static IHistoryRetentionListGrain HistoryRetentionList(this IGrainFactory grains, string compoundId, string personId) =>
        grains.HistoryRetentionList(compoundId, HistoryRetentionLists.Of(personId));

    public static IHistoryRetentionListGrain HistoryRetentionList(this IGrainFactory grains, string compoundId, int list) =>
        grains.GetGrain<IHistoryRetentionListGrain>(Of(compoundId, $"retention-{list}"));

    /// <summary>The charge point of a charger (key: <see cref="ChargePointIds.Of"/>).</summary>
    public static IChargePointGrain ChargePoint(this IGrainFactory grains, string compoundId, string chargerId) =>
        grains.GetGrain<IChargePointGrain>(ChargePointIds.Of(compoundId, chargerId));

    /// <summary>The charge point by the id it connects with (<c>{compoundId}.{chargerId}</c>).</summary>
    public static IChargePointGrain ChargePoint(this IGrainFactory grains, string chargePointId) =>
        grains.GetGrain<IChargePointGrain>(chargePointId);

    public static IChargingTariffGrain ChargingTariff(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<IChargingTariffGrain>(compoundId);

    public static IChargingCardsGrain ChargingCards(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<IChargingCardsGrain>(compoundId);

    /// <summary>Every compound on this deployment (one grain).</summary>
    public static ICompoundDirectoryGrain CompoundDirectory(this IGrainFactory grains) =>
        grains.GetGrain<ICompoundDirectoryGrain>(0);

    /// <summary>The hosts whose SignalR hubs receive pushes (one grain).</summary>
    public static IHubDirectoryGrain HubDirectory(this IGrainFactory grains) =>
        grains.GetGrain<IHubDirectoryGrain>(0);

    public static IGateGrain Gate(this IGrainFactory grains, string compoundId, string gateId) =>
        grains.GetGrain<IGateGrain>(Of(compoundId, gateId));

    /// <summary>The gate events staff review in a compound.</summary>
    public static IGateReviewGrain GateReviews(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<IGateReviewGrain>(compoundId);

    /// <summary>A household's visitor passes.</summary>
    public static IVisitorPassGrain VisitorPasses(this IGrainFactory grains, string compoundId, string householdId) =>
        grains.GetGrain<IVisitorPassGrain>(Of(compoundId, householdId));

    public static IOverstayRegistryGrain OverstayRegistry(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<IOverstayRegistryGrain>(compoundId);

    public static ISharingMoverGrain SharingMover(this IGrainFactory grains) =>
        grains.GetGrain<ISharingMoverGrain>(0);

    public static INoticeDirectoryGrain NoticeDirectory(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<INoticeDirectoryGrain>(compoundId);

    public static INoticeSenderGrain NoticeSender(this IGrainFactory grains) =>
        grains.GetGrain<INoticeSenderGrain>(0);

    public static INoShowWatchGrain NoShowWatch(this IGrainFactory grains, string compoundId, string residentId) =>
        grains.GetGrain<INoShowWatchGrain>(Of(compoundId, residentId));

    /// <summary>A chunk of a ledger's archived journal: <paramref name="owner"/> is the household account or the shard's local id.</summary>
    public static ILedgerArchiveGrain LedgerArchive(this IGrainFactory grains, string compoundId, string owner, int chunk) =>
        grains.GetGrain<ILedgerArchiveGrain>(Of(compoundId, $"ledger-{owner}-{chunk}"));

    /// <summary>The staff and committee members of a compound.</summary>
    public static ICompoundRosterGrain CompoundRoster(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<ICompoundRosterGrain>(compoundId);

    /// <summary>One bucket of a compound's resident index (see <see cref="ResidentIndex"/>).</summary>
    public static IResidentBucketGrain ResidentBucket(this IGrainFactory grains, string compoundId, int bucket) =>
        grains.GetGrain<IResidentBucketGrain>(Of(compoundId, $"residents-{bucket}"));

    /// <summary>Whether a compound's resident index is built.</summary>
    public static IResidentDirectoryGrain ResidentDirectory(this IGrainFactory grains, string compoundId) =>
        grains.GetGrain<IResidentDirectoryGrain>(compoundId);

    /// <summary>A compound's sharing rounds.</summary>
    public static IRoundGrain Rounds(this IGrainFactory grains, string compoundId) =>
        grains.Cached<IRoundGrain>(compoundId);

    /// <summary>The notices a vote sends (key: compound/proposal).</summary>
    public static IVoteNoticesGrain VoteNotices(this IGrainFactory grains, string compoundId, string proposalId) =>
        grains.GetGrain<IVoteNoticesGrain>(Of(compoundId, proposalId));

    /// <summary>Routes pushes to the notices they make (one grain).</summary>
    public static INoticeRouterGrain NoticeRouter(this IGrainFactory grains) =>
        grains.CachedSingle<INoticeRouterGrain>();

    /// <summary>The Web Push key pair the cluster made and keeps (one grain).</summary>
    public static IVapidKeysGrain VapidKeys(this IGrainFactory grains) =>
        grains.GetGrain<IVapidKeysGrain>(0);

    /// <summary>The charging profiles of a charging area's chargers (the area's key: compound/area).</summary>
    public static IAreaProfilesGrain AreaProfiles(this IGrainFactory grains, string compoundId, string areaId) =>
        grains.GetGrain<IAreaProfilesGrain>(Of(compoundId, areaId));
}
