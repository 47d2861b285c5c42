using Parking.Grains.Notifications;

namespace Parking.Grains.Voting;

/// <summary>A proposal's vote changed (a ballot, its opening, its closing): its figures, for everyone watching it.</summary>
[GenerateSerializer, Immutable]
public sealed record ProposalChangedPush([property: Id(0)] ProposalView View) : Push;
